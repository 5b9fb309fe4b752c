package io.tollgate.chaos;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.ObjectOutputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hostile bytes sent straight to a member's cluster port (no handshake, lying frame lengths, a deeply nested Java
 * serialization stream, random noise): the member stays up and keeps deciding.
 */
class HostileMemberPortTest {
    private static final ChaosSettings SETTINGS = ChaosSettings.fromSystemProperties();

    private static byte[] packet(byte[] payload, int claimedLength) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.write("HZC".getBytes(StandardCharsets.US_ASCII));
        out.writeByte(4);           // packet version
        out.writeChar(0);           // flags
        out.writeInt(-1);           // partition
        out.writeInt(claimedLength);
        out.write(payload);
        return bytes.toByteArray();
    }

    private static byte[] deepJavaStream() throws Exception {
        List<Object> root = new ArrayList<>();
        List<Object> at = root;
        for (int i = 0; i < 2000; i++) {
            List<Object> next = new ArrayList<>();
            at.add(next);
            at = next;
        }
        ByteArrayOutputStream java = new ByteArrayOutputStream();
        DataOutputStream header = new DataOutputStream(java);
        header.writeInt(0);    // partition hash
        header.writeInt(-24);  // Hazelcast's type id of Java serialization
        try (ObjectOutputStream o = new ObjectOutputStream(java)) {
            o.writeObject(root);
        } catch (StackOverflowError e) {
            // a shallower stream still says enough
        }
        return java.toByteArray();
    }

    @Test
    void aMemberSurvivesHostileBytesOnItsClusterPort() throws Exception {
        try (ClusterHarness cluster = ClusterHarness.start(SETTINGS, ClusterOptions.defaults().size(1).namePrefix("hostile-port"))) {
            MemberConfig m = cluster.member(0).config();
            byte[] deep = deepJavaStream();
            byte[] noise = new byte[64 * 1024];
            new Random(42).nextBytes(noise);
            List<byte[]> attacks = List.of(
                    packet(new byte[16], Integer.MAX_VALUE),
                    packet(new byte[16], -5),
                    packet(deep, deep.length),
                    "HZC".getBytes(StandardCharsets.US_ASCII),
                    noise,
                    "GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            for (int round = 0; round < 3; round++) {
                for (byte[] attack : attacks) {
                    try (Socket s = new Socket(m.clusterHost(), m.clusterPort())) {
                        s.setSoTimeout(2000);
                        OutputStream out = s.getOutputStream();
                        out.write(attack);
                        out.flush();
                        s.getInputStream().read(new byte[256]);
                    } catch (java.io.IOException closed) {
                        // the member closed the connection: what it should do
                    }
                }
            }
            assertThat(cluster.member(0).isAlive()).as("the member process is up").isTrue();
            AcquireAnswer a = Await.value("a decision after the attacks", Duration.ofSeconds(30),
                    () -> cluster.member(0).client().acquire(AcquireRequest.of("after-attack", "search")),
                    x -> x.allowed());
            assertThat(a.allowed()).isTrue();
        }
    }
}
