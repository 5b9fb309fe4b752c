package io.tollgate.http;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;

/**
 * A fresh, empty database on the local PostgreSQL (127.0.0.1:5432, user postgres, trust auth), created
 * for one sidecar and dropped afterwards, so no test sees another test's policies or ledger.
 */
final class TestDatabase implements AutoCloseable {
    static final String SERVER = "jdbc:postgresql://127.0.0.1:5432/";
    static final String USER = "postgres";

    private final String name;

    private TestDatabase(String name) {
        this.name = name;
    }

    static TestDatabase create(String purpose) {
        String name = ("tollgate_t_" + purpose.replaceAll("[^A-Za-z0-9]", "_") + "_"
                + UUID.randomUUID().toString().substring(0, 8)).toLowerCase(Locale.ROOT);
        if (name.length() > 63) {
            name = name.substring(name.length() - 63);
            name = "t" + name.substring(1);
        }
        execute("CREATE DATABASE " + name);
        return new TestDatabase(name);
    }

    String url() {
        return SERVER + name;
    }

    String name() {
        return name;
    }

    @Override
    public void close() {
        // FORCE: a pool the sidecar did not close (a failed start) must not keep the database alive.
        execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    }

    private static void execute(String sql) {
        try (Connection c = DriverManager.getConnection(SERVER + "postgres", USER, "");
             Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("local PostgreSQL at 127.0.0.1:5432 (user postgres) is needed: " + sql, e);
        }
    }
}
