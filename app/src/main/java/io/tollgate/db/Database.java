package io.tollgate.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.tollgate.config.Settings;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.sql.Connection;
import java.util.logging.Logger;

/**
 * The PostgreSQL connection: the configured server, or an embedded one when no URL is set (so the
 * sidecar runs with nothing installed). Migrates the schema with Flyway at start-up.
 */
public final class Database implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Database.class.getName());

    private final EmbeddedPostgres embedded;
    private final HikariDataSource dataSource;
    private final Jdbi jdbi;
    private final ReadBackOff readBackOff = new ReadBackOff();

    private Database(EmbeddedPostgres embedded, HikariDataSource dataSource) {
        this.embedded = embedded;
        this.dataSource = dataSource;
        this.jdbi = Jdbi.create(dataSource);
    }

    public static Database open(Settings settings) {
        EmbeddedPostgres embedded = null;
        String url = settings.dbUrl();
        String user = settings.dbUser();
        String password = settings.dbPassword();
        if (settings.embeddedDb()) {
            embedded = startEmbedded(settings);
            url = embedded.getJdbcUrl("postgres", "postgres");
            user = "postgres";
            password = "";
        }
        HikariConfig hikari = new HikariConfig();
        hikari.setJdbcUrl(url);
        hikari.setUsername(user);
        hikari.setPassword(password);
        hikari.setMaximumPoolSize(settings.dbPoolSize());
        hikari.setPoolName("tollgate");
        // Fail fast when the database is away: limiting goes on, the ledger waits and retries.
        hikari.setConnectionTimeout(1000);
        hikari.setValidationTimeout(500);
        hikari.setInitializationFailTimeout(30_000);
        hikari.addDataSourceProperty("connectTimeout", "2");
        hikari.addDataSourceProperty("socketTimeout", "10");
        hikari.addDataSourceProperty("reWriteBatchedInserts", "true");
        HikariDataSource ds = new HikariDataSource(hikari);
        Flyway.configure().dataSource(ds).locations("classpath:db/migration").load().migrate();
        return new Database(embedded, ds);
    }

    private static EmbeddedPostgres startEmbedded(Settings settings) {
        try {
            Files.createDirectories(settings.embeddedDbDir());
            EmbeddedOrphan.stopIfRunning(settings.embeddedDbDir());
            LOG.info("no tollgate.db.url set: starting embedded PostgreSQL in " + settings.embeddedDbDir().toAbsolutePath());
            return EmbeddedPostgres.builder()
                    .setDataDirectory(settings.embeddedDbDir())
                    .setCleanDataDirectory(false)
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start embedded PostgreSQL in " + settings.embeddedDbDir(), e);
        }
    }

    public Jdbi jdbi() {
        return jdbi;
    }

    /**
     * How many connections each kind of batched read ({@link BatchedReads}: users' policies, ledger bases) may use
     * at once: together at most the pool less two, which stay for the ledger flusher and admin calls.
     */
    public int concurrentReaders() {
        return Math.max(1, (dataSource.getMaximumPoolSize() - 2) / 2);
    }

    /** Shared by every read that can answer without the database (see {@link ReadBackOff}). */
    public ReadBackOff readBackOff() {
        return readBackOff;
    }

    public HikariDataSource dataSource() {
        return dataSource;
    }

    /** True when the database answers a trivial query right now. */
    public boolean answers() {
        try (Connection c = dataSource.getConnection()) {
            return c.isValid(1);
        } catch (Exception e) {
            return false;
        }
    }

    @Override
    public void close() {
        dataSource.close();
        if (embedded != null) {
            try {
                embedded.close();
            } catch (IOException e) {
                LOG.warning("embedded PostgreSQL did not stop cleanly: " + e);
            }
        }
    }
}
