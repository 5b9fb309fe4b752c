package io.tollgate.cluster;

import com.hazelcast.nio.serialization.DataSerializableFactory;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;

/** Fixed ids of Tollgate's entry processors: never reuse or renumber one. */
public final class ProcessorFactory implements DataSerializableFactory {
    public static final int FACTORY_ID = 7310;
    static final int USER_PROCESSOR = 1;
    static final int STATE_BACKUP = 2;
    static final int API_PROCESSOR = 3;
    static final int COUNTERS_BACKUP = 4;
    static final int USER_CHECK = 5;
    static final int USAGE_PROCESSOR = 6;
    static final int RESET_COUNTERS = 7;
    static final int FLUSH_PROCESSOR = 8;

    @Override
    public IdentifiedDataSerializable create(int typeId) {
        return switch (typeId) {
            case USER_PROCESSOR -> new UserProcessor();
            case STATE_BACKUP -> new StateBackup<>();
            case API_PROCESSOR -> new ApiProcessor();
            case COUNTERS_BACKUP -> new CountersBackup<>();
            case USER_CHECK -> new UserCheckProcessor();
            case USAGE_PROCESSOR -> new UsageProcessor();
            case RESET_COUNTERS -> new ResetCountersProcessor();
            case FLUSH_PROCESSOR -> new FlushProcessor();
            default -> null;
        };
    }
}
