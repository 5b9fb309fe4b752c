package io.tollgate.cluster;

import com.hazelcast.config.SerializationConfig;
import com.hazelcast.config.SerializerConfig;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.StreamSerializer;
import io.tollgate.core.ApiPolicy;
import io.tollgate.core.Counters;
import io.tollgate.core.Decision;
import io.tollgate.core.LedgerBatch;
import io.tollgate.core.Quota;
import io.tollgate.core.Tier;
import io.tollgate.core.UserPolicy;
import io.tollgate.core.UserState;
import io.tollgate.core.Window;

import java.io.IOException;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;

/**
 * Serializers for the core's values stored in or sent through the cluster. The core stays free of
 * Hazelcast: these live outside the classes they write. Type ids are fixed; never reuse one.
 */
public final class ValueSerializers {
    private ValueSerializers() {
    }

    public static void register(SerializationConfig config) {
        config.addDataSerializableFactory(ProcessorFactory.FACTORY_ID, new ProcessorFactory());
        add(config, UserState.class, 7311, Wire::writeUserState, Wire::readUserState);
        add(config, Counters.class, 7312, (out, c) -> {
            out.writeByte(Wire.VERSION);
            Wire.writeCounters(out, c);
        }, in -> {
            Wire.checkVersion(in, "counters");
            return Wire.readCounters(in);
        });
        add(config, Decision.class, 7313, Wire::writeDecision, Wire::readDecision);
        add(config, ApiDecision.class, 7314, (out, d) -> {
            Wire.writeDecision(out, d.decision());
            out.writeLong(d.appliedAt());
        }, in -> new ApiDecision(Wire.readDecision(in), in.readLong()));
        add(config, LedgerBatch.class, 7315, Wire::writeBatch, Wire::readBatch);
        add(config, UserPolicy.class, 7316, ValueSerializers::writeUserPolicy, ValueSerializers::readUserPolicy);
        add(config, ApiPolicy.class, 7317, (out, p) -> {
            out.writeByte(Wire.VERSION);
            out.writeString(p.apiId());
            writeWindowMap(out, p.globalLimits());
        }, in -> {
            Wire.checkVersion(in, "api policy");
            return new ApiPolicy(in.readString(), readWindowMap(in));
        });
        add(config, IdempotencyKey.class, 7318, Wire::writeIdempotencyKey, Wire::readIdempotencyKey);
        add(config, FirstAnswer.class, 7319, (out, a) -> {
            out.writeByte(Wire.VERSION);
            Wire.writeDecision(out, a.decision());
            out.writeString(a.apiId());
            out.writeLong(a.amount());
            out.writeLong(a.amount2());
        }, in -> {
            Wire.checkVersion(in, "first answer");
            return new FirstAnswer(Wire.readDecision(in), in.readString(), in.readLong(), in.readLong());
        });
    }

    interface Writer<T> {
        void write(ObjectDataOutput out, T value) throws IOException;
    }

    interface Reader<T> {
        T read(ObjectDataInput in) throws IOException;
    }

    private static <T> void add(SerializationConfig config, Class<T> type, int typeId, Writer<T> writer,
                                Reader<T> reader) {
        config.addSerializerConfig(new SerializerConfig().setTypeClass(type).setImplementation(
                new StreamSerializer<T>() {
                    @Override
                    public void write(ObjectDataOutput out, T value) throws IOException {
                        writer.write(out, value);
                    }

                    @Override
                    public T read(ObjectDataInput in) throws IOException {
                        return reader.read(in);
                    }

                    @Override
                    public int getTypeId() {
                        return typeId;
                    }
                }));
    }

    static void writeUserPolicy(ObjectDataOutput out, UserPolicy p) throws IOException {
        out.writeByte(Wire.VERSION);
        out.writeString(p.userId());
        out.writeByte(p.tier().ordinal());
        out.writeDouble(p.multiplier());
        writeWindowMap(out, p.customLimits());
        out.writeInt(p.apiLimits().size());
        for (Map.Entry<String, Map<Window, Long>> e : p.apiLimits().entrySet()) {
            out.writeString(e.getKey());
            writeWindowMap(out, e.getValue());
        }
        out.writeBoolean(p.customQuota() != null);
        if (p.customQuota() != null) {
            out.writeLong(p.customQuota().requests());
            out.writeLong(p.customQuota().bandwidthBytes());
            out.writeLong(p.customQuota().computeMs());
        }
        out.writeByte(p.billingAnchorDay());
        out.writeString(p.billingZone());
    }

    static UserPolicy readUserPolicy(ObjectDataInput in) throws IOException {
        Wire.checkVersion(in, "user policy");
        String userId = in.readString();
        Tier tier = Tier.values()[in.readByte()];
        double multiplier = in.readDouble();
        Map<Window, Long> custom = readWindowMap(in);
        int n = in.readInt();
        Map<String, Map<Window, Long>> apis = new HashMap<>();
        for (int i = 0; i < n; i++) {
            apis.put(in.readString(), readWindowMap(in));
        }
        Quota quota = in.readBoolean() ? new Quota(in.readLong(), in.readLong(), in.readLong()) : null;
        return new UserPolicy(userId, tier, multiplier, custom, apis, quota, in.readByte(), in.readString());
    }

    private static void writeWindowMap(ObjectDataOutput out, Map<Window, Long> map) throws IOException {
        out.writeByte(map.size());
        for (Map.Entry<Window, Long> e : map.entrySet()) {
            out.writeByte(e.getKey().ordinal());
            out.writeLong(e.getValue());
        }
    }

    private static Map<Window, Long> readWindowMap(ObjectDataInput in) throws IOException {
        int n = in.readByte();
        Map<Window, Long> map = new EnumMap<>(Window.class);
        for (int i = 0; i < n; i++) {
            map.put(Window.values()[in.readByte()], in.readLong());
        }
        return map;
    }
}
