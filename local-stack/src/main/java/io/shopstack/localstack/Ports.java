package io.shopstack.localstack;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Where the stack's API ports and PostgreSQL listen, on 127.0.0.1: the README's fixed ports, or 0
 * for a free port (the tests, which must not collide with a running local stack).
 */
public record Ports(
    int gateway, int order, int inventoryA, int inventoryB, int auth, int postgres) {

  /*
   * A free port is a number handed to a JVM that binds it seconds later; in between any other
   * process may take it. The ports the OS hands out by itself (to every outgoing connection and
   * every bind to port 0) come from its ephemeral range (Linux 32768-60999, macOS and Windows
   * 49152-65535), so free ports are picked below it, where only a process that asks for that very
   * number can take one. A random first pick keeps two launchers on one machine apart.
   */
  private static final int FIRST_FREE = 20_000;
  private static final int FREE_RANGE = 10_000;
  private static final Set<Integer> handedOut = ConcurrentHashMap.newKeySet();

  public static Ports defaults() {
    return new Ports(8080, 8081, 8082, 8083, 9000, 15432);
  }

  public static Ports free() {
    return new Ports(0, 0, 0, 0, 0, 0);
  }

  public Ports withGateway(int port) {
    return new Ports(port, order, inventoryA, inventoryB, auth, postgres);
  }

  /** These ports with every 0 replaced by a free one. */
  Ports resolved() {
    return new Ports(
        orFree(gateway),
        orFree(order),
        orFree(inventoryA),
        orFree(inventoryB),
        orFree(auth),
        orFree(postgres));
  }

  /**
   * Where the actuator of the service on {@code apiPort} listens: a port of its own, as in
   * Kubernetes, where the Service exposes only the API port. With fixed ports it is the API port +
   * 1000, so that the README and the printed help can say where.
   */
  int managementPortFor(int apiPort) {
    return gateway == 0 || apiPort > 9000 ? freePort() : apiPort + 1000;
  }

  private static int orFree(int port) {
    return port == 0 ? freePort() : port;
  }

  /**
   * A port that no one listens on at any of {@code addresses} (127.0.0.1 if none), and that this
   * JVM has not handed out before.
   */
  public static int freePort(String... addresses) {
    List<String> on = addresses.length == 0 ? List.of("127.0.0.1") : Arrays.asList(addresses);
    int first = ThreadLocalRandom.current().nextInt(FREE_RANGE);
    for (int i = 0; i < FREE_RANGE; i++) {
      int port = FIRST_FREE + (first + i) % FREE_RANGE;
      if (on.stream().allMatch(address -> canBind(address, port)) && handedOut.add(port)) {
        return port;
      }
    }
    throw new IllegalStateException("No port free on all of " + on);
  }

  private static boolean canBind(String address, int port) {
    try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getByName(address))) {
      return socket.isBound();
    } catch (IOException e) {
      return false;
    }
  }
}
