package io.tollgate;

import com.hazelcast.spi.exception.WrongTargetException;
import com.hazelcast.splitbrainprotection.SplitBrainProtectionException;
import io.helidon.common.SerializationConfig;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Helidon's JVM-wide deserialization filter (installed at start) must let through what Hazelcast
 * members send each other with Java serialization: remote failures with their causes. Rejected,
 * a retryable failure reached the caller as a serialization error or a timeout.
 */
class ClusterErrorsDeserializeTest {

    @Test
    void hazelcastRemoteFailuresPassHelidonsSerialFilter() throws Exception {
        SerializationConfig.configureRuntime();
        for (Throwable sent : new Throwable[]{
                new WrongTargetException(null, null, 7, 0, "op"),
                new SplitBrainProtectionException("no majority"),
                new IllegalStateException("outer", new IllegalArgumentException("cause")),
                new java.util.concurrent.CompletionException(new java.sql.SQLException("down"))}) {
            Object received = roundTrip(sent);
            assertThat(received).isInstanceOf(sent.getClass());
            assertThat(((Throwable) received).getMessage()).isEqualTo(sent.getMessage());
        }
    }

    private static Object roundTrip(Object o) throws IOException, ClassNotFoundException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(o);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            return in.readObject();
        }
    }
}
