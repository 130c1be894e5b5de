package io.shopstack.defaults.loadbalancer;

import java.io.IOException;
import java.net.ConnectException;
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
import org.springframework.util.ClassUtils;

/**
 * Instances that just refused or dropped a connection, left out of load balancing for a short while
 * ({@code shop.loadbalancer.eject-for}).
 *
 * <p>Discovery lags behind reality: an instance stopped by a rolling update stays in Kubernetes
 * endpoints (or forever in a static local list) for a moment after it stops accepting connections.
 * Without this, every retry may be sent to that same instance; with it, the first failure steers
 * the retry, and the requests after it, to the instances that answer. Read timeouts do not count: a
 * slow instance is not a gone one.
 *
 * <p>Whether a failed request may be sent again is a narrower question than whether to leave the
 * instance out: only when it never reached the instance ({@link #neverReached}).
 */
public class FailedInstances implements LoadBalancerLifecycle<Object, Object, ServiceInstance> {

  private static final Logger log = LoggerFactory.getLogger(FailedInstances.class);
  private static final boolean HTTP_CLIENT_5_PRESENT =
      ClassUtils.isPresent(
          "org.apache.hc.client5.http.ConnectTimeoutException",
          FailedInstances.class.getClassLoader());

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
   * time. Works for the JDK's HTTP client (order-service) and Apache HttpClient 5 (the gateway). A
   * reset or an answer that never came may follow a request the instance has acted on: enough to
   * leave it out, not to send the request again (see {@link #neverReached}).
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
   * True only when the request certainly never reached the instance: the connection was refused
   * ({@link ConnectException}, which HttpClient 5's {@code HttpHostConnectException} extends) or
   * not made in time. Such a request can be sent to another instance whatever its method.
   */
  public static boolean neverReached(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof ConnectException || isConnectTimeout(t)) {
        return true;
      }
    }
    return false;
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
   * SocketTimeoutException}), so it is checked first.
   */
  private static boolean isConnectTimeout(Throwable t) {
    return t instanceof HttpConnectTimeoutException
        || (HTTP_CLIENT_5_PRESENT && HttpClient5.isConnectTimeout(t));
  }

  /** Loaded only when HttpClient 5 is there (the gateway); order-service does not have it. */
  private static final class HttpClient5 {
    static boolean isConnectTimeout(Throwable t) {
      return t instanceof org.apache.hc.client5.http.ConnectTimeoutException;
    }
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
