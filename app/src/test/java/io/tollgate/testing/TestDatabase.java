package io.tollgate.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

/**
 * A fresh, empty database on the machine's PostgreSQL (127.0.0.1:5432, user postgres, trust auth),
 * dropped on close, so no test sees another test's policies or ledger.
 */
public final class TestDatabase implements AutoCloseable {
    public static final String USER = "postgres";
    private static final String SERVER = "jdbc:postgresql://127.0.0.1:5432/";
    private final String name;

    public TestDatabase() {
        this.name = "tollgate_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        execute("CREATE DATABASE " + name);
    }

    public String url() {
        return SERVER + name;
    }

    public String name() {
        return name;
    }

    /** Jdbi on this database with Tollgate's migrations applied (for repository tests without a sidecar). */
    public org.jdbi.v3.core.Jdbi migratedJdbi() {
        org.postgresql.ds.PGSimpleDataSource ds = new org.postgresql.ds.PGSimpleDataSource();
        ds.setUrl(url());
        ds.setUser(USER);
        org.flywaydb.core.Flyway.configure().dataSource(ds).locations("classpath:db/migration").load().migrate();
        return org.jdbi.v3.core.Jdbi.create(ds);
    }

    private static void execute(String sql) {
        try (Connection c = DriverManager.getConnection(SERVER + "postgres", USER, "");
             Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("local PostgreSQL at 127.0.0.1:5432 (user postgres) is needed: " + sql, e);
        }
    }

    @Override
    public void close() {
        // FORCE: a pool the sidecar did not close (a failed start) must not keep the database alive.
        execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    }
}
