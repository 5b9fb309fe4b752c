package io.tollgate.chaos;

/** Sends POSIX signals to a process by pid with {@code kill(1)}: SIGKILL, SIGSTOP, SIGCONT. */
public final class Signals {

    private Signals() {
    }

    /** Sends {@code signal} (e.g. "KILL", "STOP", "CONT"); returns whether kill(1) succeeded. */
    public static boolean send(String signal, long pid) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid))
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return kill.waitFor() == 0;
        } catch (java.io.IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
