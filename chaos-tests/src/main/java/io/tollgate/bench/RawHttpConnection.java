package io.tollgate.bench;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * One keep-alive HTTP/1.1 connection to one path that posts JSON (or sends a GET) and reads the status,
 * skipping the body.
 * The load generator shares the machine's two cores with the system under test, so it must cost as
 * little as possible per request: no HttpClient machinery, no header maps, one write per request.
 * It reads Content-Length and chunked bodies, which covers Helidon's answers.
 */
final class RawHttpConnection implements Closeable {

    private final Socket socket;
    private final OutputStream out;
    private final InputStream in;
    private final byte[] requestHead;
    private final byte[] getRequest;
    private final byte[] line = new byte[8192];

    RawHttpConnection(InetSocketAddress address, String path) throws IOException {
        this.socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.connect(address, 5000);
        socket.setSoTimeout(30_000);
        this.out = socket.getOutputStream();
        this.in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
        this.requestHead = ("POST " + path + " HTTP/1.1\r\nHost: " + address.getHostString() + ":" + address.getPort()
                + "\r\nContent-Type: application/json\r\nContent-Length: ").getBytes(StandardCharsets.US_ASCII);
        this.getRequest = ("GET " + path + " HTTP/1.1\r\nHost: " + address.getHostString() + ":" + address.getPort()
                + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    /** Sends {@code GET path} and returns the response status once the whole response has been read. */
    int get() throws IOException {
        out.write(getRequest);
        out.flush();
        return readResponse();
    }

    /** Posts {@code body} and returns the response status once the whole response has been read. */
    int post(byte[] body) throws IOException {
        byte[] length = (body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] request = new byte[requestHead.length + length.length + body.length];
        System.arraycopy(requestHead, 0, request, 0, requestHead.length);
        System.arraycopy(length, 0, request, requestHead.length, length.length);
        System.arraycopy(body, 0, request, requestHead.length + length.length, body.length);
        out.write(request);
        out.flush();
        return readResponse();
    }

    private int readResponse() throws IOException {
        int n = readLine();
        // "HTTP/1.1 200 OK"
        int status = (line[9] - '0') * 100 + (line[10] - '0') * 10 + (line[11] - '0');
        long contentLength = -1;
        boolean chunked = false;
        while ((n = readLine()) > 0) {
            if (startsWithIgnoreCase(n, "content-length:")) {
                contentLength = Long.parseLong(new String(line, 15, n - 15, StandardCharsets.US_ASCII).trim());
            } else if (startsWithIgnoreCase(n, "transfer-encoding:")
                    && new String(line, 18, n - 18, StandardCharsets.US_ASCII).trim().equalsIgnoreCase("chunked")) {
                chunked = true;
            }
        }
        if (chunked) {
            long size;
            while ((size = Long.parseLong(new String(line, 0, readLine(), StandardCharsets.US_ASCII).trim().split(";")[0], 16)) > 0) {
                skip(size);
                readLine();
            }
            while (readLine() > 0) {
                // trailers
            }
        } else if (contentLength > 0) {
            skip(contentLength);
        }
        return status;
    }

    /** Reads one line without its CRLF into {@link #line}; returns its length. */
    private int readLine() throws IOException {
        int n = 0;
        int c;
        while ((c = in.read()) != '\n') {
            if (c < 0) {
                throw new EOFException("connection closed by the server");
            }
            if (c != '\r' && n < line.length) {
                line[n++] = (byte) c;
            }
        }
        return n;
    }

    private boolean startsWithIgnoreCase(int n, String prefix) {
        if (n < prefix.length()) {
            return false;
        }
        for (int i = 0; i < prefix.length(); i++) {
            if (Character.toLowerCase(line[i]) != prefix.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private void skip(long bytes) throws IOException {
        while (bytes > 0) {
            long skipped = in.skip(bytes);
            if (skipped <= 0) {
                if (in.read() < 0) {
                    throw new EOFException("connection closed inside a body");
                }
                skipped = 1;
            }
            bytes -= skipped;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
