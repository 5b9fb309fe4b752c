package io.tollgate.chaos;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

/**
 * A fresh database for one test run on an existing PostgreSQL server ({@code CREATE DATABASE tollgate_test_<random>}),
 * dropped on {@link #close()} (with FORCE: members killed with -9 may leave connections behind) unless
 * {@link ChaosSettings#keepDatabases()}. Members get its
 * JDBC URL and user.
 */
public final class TestDatabase implements AutoCloseable {

    private final String host;
    private final int port;
    private final String user;
    private final String name;
    private final Runnable dropOnExit;

    private TestDatabase(String host, int port, String user, String name) {
        this.host = host;
        this.port = port;
        this.user = user;
        this.name = name;
        this.dropOnExit = this::drop;
    }

    public static TestDatabase create(String host, int port, String user) {
        String name = "tollgate_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        TestDatabase db = new TestDatabase(host, port, user, name);
        db.execute("postgres", "CREATE DATABASE " + name);
        ChildProcesses.onExit(db.dropOnExit);
        return db;
    }

    public static TestDatabase create(ChaosSettings settings) {
        return create(settings.pgHost(), settings.pgPort(), settings.pgUser());
    }

    public String name() {
        return name;
    }

    public String user() {
        return user;
    }

    public int port() {
        return port;
    }

    public String jdbcUrl() {
        return jdbcUrl(host, port);
    }

    /** The URL as seen from elsewhere (a network namespace reaching the server through a forwarder). */
    public String jdbcUrl(String hostSeenByMember, int portSeenByMember) {
        return "jdbc:postgresql://" + hostSeenByMember + ":" + portSeenByMember + "/" + name;
    }

    public Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl(), user, "");
    }

    @Override
    public void close() {
        ChildProcesses.cancelOnExit(dropOnExit);
        drop();
    }

    private void drop() {
        if (ChaosSettings.keepDatabases()) {
            System.out.println("CHAOS kept database " + name + " on " + host + ":" + port + " (-Dchaos.keep-databases)");
            return;
        }
        execute("postgres", "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    }

    private void execute(String database, String sql) {
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://" + host + ":" + port + "/" + database, user, "");
             Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("PostgreSQL at " + host + ":" + port + " refused: " + sql, e);
        }
    }
}
