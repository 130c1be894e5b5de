package io.shopstack.defaults.loadbalancer;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.CompletionContext;
import org.springframework.cloud.client.loadbalancer.LoadBalancerLifecycle;
import org.springframework.cloud.client.loadbalancer.Request;
import org.springframework.cloud.client.loadbalancer.Response;

/**
 * Instances that just refused or dropped a connection, left out of load balancing for a short while
 * ({@code shop.loadbalancer.eject-for}).
 *
 * <p>Discovery lags behind reality: an instance stopped by a rolling update stays in Kubernetes
 * endpoints (or forever in a static local list) for a moment after it stops accepting connections.
 * Without this, every retry may be sent to that same instance; with it, the first failure steers
 * the retry, and the requests after it, to the instances that answer. Read timeouts do not count: a
 * slow instance is not a gone one.
 */
public class FailedInstances implements LoadBalancerLifecycle<Object, Object, ServiceInstance> {

  private static final Logger log = LoggerFactory.getLogger(FailedInstances.class);
  private static final String HTTP_CLIENT_5_CONNECT_TIMEOUT =
      "org.apache.hc.client5.http.ConnectTimeoutException";

  private final Duration ejectFor;
  private final Clock clock;
  private final Map<String, Instant> ejectedUntil = new ConcurrentHashMap<>();

  public FailedInstances(Duration ejectFor, Clock clock) {
    this.ejectFor = ejectFor;
    this.clock = clock;
  }

  /** Leaves the instance at host:port out until the ejection time has passed. */
  public void connectionFailed(String host, int port) {
    Instant until = clock.instant().plus(ejectFor);
    if (ejectedUntil.put(key(host, port), until) == null) {
      log.warn("{}:{} refused or dropped a connection; not used for {}", host, port, ejectFor);
    }
  }

  public boolean isEjected(ServiceInstance instance) {
    String key = key(instance.getHost(), instance.getPort());
    Instant until = ejectedUntil.get(key);
    if (until == null) {
      return false;
    }
    if (clock.instant().isBefore(until)) {
      return true;
    }
    ejectedUntil.remove(key, until);
    return false;
  }

  /**
   * True for failures that say the instance is not there: refused, reset, closed, not connected in
   * time. Works for the JDK's HTTP client (order-service) and Apache HttpClient 5 (the gateway).
   */
  public static boolean isConnectionFailure(Throwable failure) {
    boolean io = false;
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (isConnectTimeout(t)) {
        return true;
      }
      if (t instanceof HttpTimeoutException || t instanceof SocketTimeoutException) {
        return false;
      }
      io |= t instanceof IOException;
    }
    return io;
  }

  /**
   * True when the connection was made but the answer did not come in time: the instance is slow,
   * not gone.
   */
  public static boolean isReadTimeout(Throwable failure) {
    boolean timeout = false;
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (isConnectTimeout(t)) {
        return false;
      }
      timeout |= t instanceof HttpTimeoutException || t instanceof SocketTimeoutException;
    }
    return timeout;
  }

  /**
   * Both clients report a connect timeout as a subtype of their read-timeout type (JDK: {@link
   * HttpConnectTimeoutException}; HttpClient 5: its {@code ConnectTimeoutException}, a {@link
   * SocketTimeoutException}), so it is checked first. By name for HttpClient 5, which
   * service-defaults does not depend on.
   */
  private static boolean isConnectTimeout(Throwable t) {
    return t instanceof HttpConnectTimeoutException
        || t.getClass().getName().equals(HTTP_CLIENT_5_CONNECT_TIMEOUT);
  }

  @Override
  public void onStart(Request<Object> request) {}

  @Override
  public void onStartRequest(Request<Object> request, Response<ServiceInstance> lbResponse) {}

  @Override
  public void onComplete(CompletionContext<Object, ServiceInstance, Object> completion) {
    if (completion.status() == CompletionContext.Status.FAILED
        && completion.getLoadBalancerResponse() != null
        && completion.getLoadBalancerResponse().hasServer()
        && isConnectionFailure(completion.getThrowable())) {
      ServiceInstance instance = completion.getLoadBalancerResponse().getServer();
      connectionFailed(instance.getHost(), instance.getPort());
    }
  }

  private static String key(String host, int port) {
    return host + ":" + port;
  }
}
