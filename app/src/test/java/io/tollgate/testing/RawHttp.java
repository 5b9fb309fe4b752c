package io.tollgate.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * HTTP/1.1 written byte by byte over a plain socket, for what java.net.http will not send: any Host header, broken
 * framing, a client that stops half way. The answer is read until the server closes or {@code readMillis} passes.
 */
public final class RawHttp {
    private RawHttp() {
    }

    /** What came back: the status (-1 when nothing did), everything read, and whether the server closed. */
    public record Answer(int status, String text, boolean closedByServer) {
        public String body() {
            int i = text.indexOf("\r\n\r\n");
            return i < 0 ? "" : text.substring(i + 4);
        }
    }

    public static Answer exchange(int port, byte[] request, int readMillis) {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(readMillis);
            s.getOutputStream().write(request);
            s.getOutputStream().flush();
            return read(s, readMillis);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Answer exchange(int port, String request, int readMillis) {
        return exchange(port, request.getBytes(StandardCharsets.ISO_8859_1), readMillis);
    }

    /** Reads from an open socket until the server closes it or {@code readMillis} passes without a byte. */
    public static Answer read(Socket s, int readMillis) throws IOException {
        s.setSoTimeout(readMillis);
        InputStream in = s.getInputStream();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[4096];
        boolean closed = false;
        try {
            for (int n; ; ) {
                n = in.read(buf);
                if (n < 0) {
                    closed = true;
                    break;
                }
                out.write(buf, 0, n);
                if (complete(out.toString(StandardCharsets.ISO_8859_1))) {
                    break;
                }
            }
        } catch (SocketTimeoutException e) {
            // the server kept the connection open
        } catch (IOException e) {
            closed = true; // reset by the server
        }
        String text = out.toString(StandardCharsets.UTF_8);
        int status = -1;
        if (text.startsWith("HTTP/1.1 ") && text.length() >= 12) {
            status = Integer.parseInt(text.substring(9, 12));
        }
        return new Answer(status, text, closed);
    }

    /** True once a whole answer with a Content-Length has arrived (the server may keep the connection open). */
    private static boolean complete(String text) {
        int end = text.indexOf("\r\n\r\n");
        if (end < 0) {
            return false;
        }
        for (String line : text.substring(0, end).split("\r\n")) {
            if (line.regionMatches(true, 0, "Content-Length:", 0, 15)) {
                return text.length() - end - 4 >= Integer.parseInt(line.substring(15).trim());
            }
        }
        return false;
    }

    /** A complete request with Connection: close. */
    public static String request(String method, String path, String host, String contentType, String body) {
        StringBuilder b = new StringBuilder(method).append(' ').append(path).append(" HTTP/1.1\r\n");
        if (host != null) {
            b.append("Host: ").append(host).append("\r\n");
        }
        if (contentType != null) {
            b.append("Content-Type: ").append(contentType).append("\r\n");
        }
        if (body != null) {
            b.append("Content-Length: ").append(body.getBytes(StandardCharsets.UTF_8).length).append("\r\n");
        }
        b.append("Connection: close\r\n\r\n");
        if (body != null) {
            b.append(body);
        }
        return b.toString();
    }
}
