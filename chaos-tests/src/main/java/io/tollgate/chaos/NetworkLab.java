package io.tollgate.chaos;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Members in their own network namespaces, so their links can be cut.
 *
 * <p>Design note. One hub namespace holds a bridge; each member namespace gets a veth pair whose far end is enslaved
 * to the bridge, and an address 10.A.B.(i+1)/24 (A, B random, so concurrent labs do not collide; the 10.x addresses
 * exist only inside our namespaces, never on the host). {@link #isolate} sets the member's bridge port down: packets
 * are silently dropped, like a pulled cable, not refused. The harness itself stays in the host's network: it reaches a
 * member's HTTP port through two socat processes joined by a Unix socket (Unix sockets ignore network namespaces),
 * and members reach PostgreSQL the same way, through a socat in their namespace listening on its 127.0.0.1 and
 * connecting to the server's Unix socket. Cutting a member's bridge link therefore cuts only member-to-member
 * (Hazelcast) traffic; its clients and its database stay reachable, which is the partition we want to study.
 * Everything is deleted on {@link #close()} (deleting a namespace deletes its veth ends).
 */
public final class NetworkLab implements AutoCloseable {

    private final String id;
    private final String subnet;
    private final int size;
    private final List<Process> forwarders = new ArrayList<>();
    private final Path socketDir;
    private final Runnable cleanup = this::deleteNamespaces;

    private NetworkLab(String id, String subnet, int size, Path socketDir) {
        this.id = id;
        this.subnet = subnet;
        this.size = size;
        this.socketDir = socketDir;
    }

    public static NetworkLab create(int size) {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        String id = "tg" + Integer.toHexString(r.nextInt(0x1000, 0x10000));
        String subnet = "10." + r.nextInt(100, 250) + "." + r.nextInt(1, 250);
        Path sockets;
        try {
            sockets = Files.createTempDirectory("tollgate-netlab-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        NetworkLab lab = new NetworkLab(id, subnet, size, sockets);
        ChildProcesses.onExit(lab.cleanup);
        try {
            lab.build();
        } catch (RuntimeException e) {
            lab.close();
            throw e;
        }
        return lab;
    }

    private void build() {
        String hub = hub();
        Shell.run("ip", "netns", "add", hub);
        Shell.run("ip", "-n", hub, "link", "add", "br0", "type", "bridge");
        Shell.run("ip", "-n", hub, "link", "set", "br0", "up");
        for (int i = 0; i < size; i++) {
            String ns = namespace(i);
            Shell.run("ip", "netns", "add", ns);
            Shell.run("ip", "-n", ns, "link", "set", "lo", "up");
            // Create the pair inside the member namespace, then move the bridge end to the hub: nothing touches the host.
            Shell.run("ip", "-n", ns, "link", "add", "eth0", "type", "veth", "peer", "name", hubPort(i));
            Shell.run("ip", "-n", ns, "link", "set", hubPort(i), "netns", hub);
            Shell.run("ip", "-n", hub, "link", "set", hubPort(i), "master", "br0");
            Shell.run("ip", "-n", hub, "link", "set", hubPort(i), "up");
            Shell.run("ip", "-n", ns, "addr", "add", address(i) + "/24", "dev", "eth0");
            Shell.run("ip", "-n", ns, "link", "set", "eth0", "up");
        }
    }

    public String namespace(int i) {
        return id + "m" + i;
    }

    private String hub() {
        return id + "hub";
    }

    private String hubPort(int i) {
        return id + "p" + i;
    }

    public String address(int i) {
        return subnet + "." + (i + 1);
    }

    /** Makes member i's HTTP port (on its namespace's 127.0.0.1) reachable at 127.0.0.1:returned port on the host. */
    public int forwardHttp(int i, int httpPort) {
        Path socket = socketDir.resolve("http-" + i + "-" + httpPort + ".sock");
        startForwarder("ip", "netns", "exec", namespace(i), "socat",
                "UNIX-LISTEN:" + socket + ",fork,unlink-early", "TCP:127.0.0.1:" + httpPort);
        int hostPort = FreePorts.take();
        startForwarder("socat", "TCP-LISTEN:" + hostPort + ",bind=127.0.0.1,fork,reuseaddr", "UNIX-CONNECT:" + socket);
        return hostPort;
    }

    /** Makes the PostgreSQL server behind {@code unixSocket} reachable inside member i's namespace; returns the port. */
    public int forwardPostgres(int i, String unixSocket) {
        int port = FreePorts.take();
        startForwarder("ip", "netns", "exec", namespace(i), "socat",
                "TCP-LISTEN:" + port + ",bind=127.0.0.1,fork,reuseaddr", "UNIX-CONNECT:" + unixSocket);
        return port;
    }

    private void startForwarder(String... command) {
        try {
            Process p = ChildProcesses.register(new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start());
            forwarders.add(p);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + String.join(" ", command), e);
        }
        Await.sleep(java.time.Duration.ofMillis(100)); // let socat bind before anyone connects
    }

    /** Cuts member i off from every other member (its bridge port goes down; packets are dropped silently). */
    public void isolate(int i) {
        Shell.run("ip", "-n", hub(), "link", "set", hubPort(i), "down");
    }

    public void heal(int i) {
        Shell.run("ip", "-n", hub(), "link", "set", hubPort(i), "up");
    }

    /** Whether a TCP connection from member {@code from}'s namespace to {@code host:port} succeeds within 1 s. */
    public boolean canConnect(int from, String host, int port) {
        return execIn(from, "socat", "-u", "TCP:" + host + ":" + port + ",connect-timeout=1", "/dev/null").exitCode() == 0;
    }

    /** Runs a command inside member i's namespace (diagnostics). */
    public Shell.Result execIn(int i, String... command) {
        String[] full = new String[command.length + 4];
        full[0] = "ip";
        full[1] = "netns";
        full[2] = "exec";
        full[3] = namespace(i);
        System.arraycopy(command, 0, full, 4, command.length);
        return Shell.tryRun(full);
    }

    @Override
    public void close() {
        for (Process p : forwarders) {
            p.destroyForcibly();
            ChildProcesses.forget(p);
        }
        ChildProcesses.cancelOnExit(cleanup);
        deleteNamespaces();
        try (var files = Files.walk(socketDir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // temp directory left behind is harmless
        }
    }

    private void deleteNamespaces() {
        for (int i = 0; i < size; i++) {
            Shell.tryRun("ip", "netns", "del", namespace(i));
        }
        Shell.tryRun("ip", "netns", "del", hub());
    }
}
