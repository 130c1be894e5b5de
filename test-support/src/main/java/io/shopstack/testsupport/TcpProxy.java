package io.shopstack.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP proxy on 127.0.0.1 that a test can cut and restore, to show what a service does while a
 * dependency (its database, say) is unreachable and after it comes back. While cut, the port
 * refuses connections and every open connection is closed.
 *
 * <p>It can also lose answers: with {@link #dropAnswers(Runnable)} every request still reaches the
 * target, which acts on it, but when the target's answer arrives the proxy runs the given action
 * (kill the caller, say) and closes both connections instead of passing the answer on, as a network
 * failure or a crash after the other side acted would.
 */
public final class TcpProxy implements AutoCloseable {

  private final String targetHost;
  private final int targetPort;
  private final int port;
  private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
  private volatile ServerSocket server;
  private volatile Runnable onDroppedAnswer;

  public TcpProxy(String targetHost, int targetPort) {
    this.targetHost = targetHost;
    this.targetPort = targetPort;
    this.server = listen(0);
    this.port = server.getLocalPort();
    acceptOn(server);
  }

  public int port() {
    return port;
  }

  /** Refuses new connections and closes the open ones. */
  public synchronized void cut() {
    closeQuietly(server);
    sockets.forEach(TcpProxy::closeQuietly);
    sockets.clear();
  }

  /**
   * From now on, answers (on new and open connections) are not passed on: when one arrives, {@code
   * action} runs and both connections are closed.
   */
  public void dropAnswers(Runnable action) {
    onDroppedAnswer = action;
  }

  /** Passes answers on again. */
  public void passAnswers() {
    onDroppedAnswer = null;
  }

  /** Accepts connections again, on the same port. */
  public synchronized void restore() {
    if (server.isClosed()) {
      server = listen(port);
      acceptOn(server);
    }
  }

  @Override
  public void close() {
    cut();
  }

  private static ServerSocket listen(int port) {
    try {
      ServerSocket socket = new ServerSocket();
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
      return socket;
    } catch (IOException e) {
      throw new UncheckedIOException("Could not listen on 127.0.0.1:" + port, e);
    }
  }

  private void acceptOn(ServerSocket listening) {
    Thread.ofVirtual()
        .name("tcp-proxy-accept-" + port)
        .start(
            () -> {
              while (!listening.isClosed()) {
                try {
                  Socket client = listening.accept();
                  Socket upstream = new Socket(targetHost, targetPort);
                  sockets.add(client);
                  sockets.add(upstream);
                  pump(client, upstream, false);
                  pump(upstream, client, true);
                } catch (IOException closedOrRefused) {
                  // cut() closed the listener, or the target refused: the client sees a closed
                  // socket
                }
              }
            });
  }

  private void pump(Socket from, Socket to, boolean answers) {
    Thread.ofVirtual()
        .start(
            () -> {
              try (InputStream in = from.getInputStream();
                  OutputStream out = to.getOutputStream()) {
                byte[] buffer = new byte[8192];
                int read;
                while ((read = in.read(buffer)) != -1) {
                  Runnable drop = answers ? onDroppedAnswer : null;
                  if (drop != null) {
                    drop.run();
                    break;
                  }
                  out.write(buffer, 0, read);
                  out.flush();
                }
              } catch (IOException ignored) {
                // one side closed
              } finally {
                closeQuietly(from);
                closeQuietly(to);
                sockets.remove(from);
                sockets.remove(to);
              }
            });
  }

  private static void closeQuietly(AutoCloseable closeable) {
    try {
      closeable.close();
    } catch (Exception ignored) {
      // already closed
    }
  }
}
