package io.shopstack.defaults.loadbalancer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.ClosedChannelException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.apache.hc.client5.http.ConnectExceptionSupport;
import org.apache.hc.client5.http.ConnectTimeoutException;
import org.apache.hc.client5.http.HttpHostConnectException;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.NoHttpResponseException;
import org.junit.jupiter.api.Test;
import org.springframework.cloud.client.DefaultServiceInstance;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.CompletionContext;
import org.springframework.cloud.client.loadbalancer.DefaultRequest;
import org.springframework.cloud.client.loadbalancer.DefaultResponse;
import org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier;
import org.springframework.web.client.ResourceAccessException;
import reactor.core.publisher.Flux;

/**
 * An instance that refuses or drops a connection is left out of load balancing for a while, then
 * comes back; a slow one is not left out, and when every instance is out they are all offered again
 * so that the caller still gets a real answer.
 */
class FailedInstancesTest {

  private final MutableClock clock = new MutableClock();
  private final FailedInstances failed = new FailedInstances(Duration.ofSeconds(10), clock);
  private final ServiceInstance a = instance("a", 8082);
  private final ServiceInstance b = instance("b", 8083);

  @Test
  void aRefusingInstanceIsSkippedForAWhile() {
    failed.onComplete(failure(a, new ResourceAccessException("I/O", new ConnectException())));

    SkipFailedInstances skip = new SkipFailedInstances(discovery(), failed);
    assertThat(skip.healthy(List.of(a, b))).containsExactly(b);
    clock.advance(Duration.ofSeconds(11));
    assertThat(skip.healthy(List.of(a, b))).containsExactly(a, b);
  }

  @Test
  void whenAllAreSkippedAllAreOffered() {
    failed.connectionFailed("a", 8082);
    failed.connectionFailed("b", 8083);
    assertThat(new SkipFailedInstances(discovery(), failed).healthy(List.of(a, b)))
        .containsExactly(a, b);
  }

  @Test
  void onlyConnectionFailuresCount() {
    assertThat(FailedInstances.isConnectionFailure(new ConnectException())).isTrue();
    assertThat(FailedInstances.isConnectionFailure(new ClosedChannelException())).isTrue();
    assertThat(FailedInstances.isConnectionFailure(new IOException("Connection reset"))).isTrue();
    assertThat(FailedInstances.isConnectionFailure(new HttpConnectTimeoutException("connect")))
        .isTrue();
    assertThat(FailedInstances.isConnectionFailure(new HttpTimeoutException("read"))).isFalse();
    assertThat(FailedInstances.isConnectionFailure(new IllegalStateException("bug"))).isFalse();

    failed.onComplete(failure(a, new HttpTimeoutException("read timed out")));
    assertThat(failed.isEjected(a)).as("slow is not gone").isFalse();
  }

  @Test
  void httpClient5FailuresAreClassifiedLikeTheJdkOnes() {
    HttpHost host = new HttpHost("http", "127.0.0.1", 8082);
    Throwable connectTimeout =
        new ResourceAccessException(
            "I/O error", ConnectExceptionSupport.createConnectTimeoutException(null, host));
    Throwable refused =
        new ResourceAccessException(
            "I/O error",
            ConnectExceptionSupport.enhance(new ConnectException("Connection refused"), host));
    Throwable readTimeout =
        new ResourceAccessException("I/O error", new SocketTimeoutException("Read timed out"));
    Throwable noResponse =
        new ResourceAccessException(
            "I/O error", new NoHttpResponseException("127.0.0.1:8082 failed to respond"));

    assertThat(FailedInstances.isConnectionFailure(connectTimeout)).isTrue();
    assertThat(FailedInstances.isReadTimeout(connectTimeout)).isFalse();
    assertThat(FailedInstances.isConnectionFailure(refused)).isTrue();
    assertThat(FailedInstances.isReadTimeout(refused)).isFalse();
    assertThat(FailedInstances.isConnectionFailure(noResponse)).isTrue();
    assertThat(FailedInstances.isConnectionFailure(readTimeout)).isFalse();
    assertThat(FailedInstances.isReadTimeout(readTimeout)).isTrue();
    assertThat(FailedInstances.isReadTimeout(new HttpTimeoutException("read"))).isTrue();
    assertThat(FailedInstances.isReadTimeout(new HttpConnectTimeoutException("connect"))).isFalse();
  }

  /**
   * Only a request that was refused or not connected in time can be sent to another instance: after
   * a reset, a connection closed without an answer or a read timeout the instance may have acted.
   */
  @Test
  void onlyRefusalsAndConnectTimeoutsNeverReachedTheInstance() {
    HttpHost host = new HttpHost("http", "127.0.0.1", 8082);
    Throwable jdkRefused = new ResourceAccessException("I/O error", new ConnectException());
    Throwable hc5Refused =
        new ResourceAccessException(
            "I/O error",
            ConnectExceptionSupport.enhance(new ConnectException("Connection refused"), host));
    Throwable jdkConnectTimeout =
        new ResourceAccessException(
            "I/O error", new HttpConnectTimeoutException("HTTP connect timed out"));
    Throwable hc5ConnectTimeout =
        new ResourceAccessException(
            "I/O error", ConnectExceptionSupport.createConnectTimeoutException(null, host));
    Throwable reset =
        new ResourceAccessException("I/O error", new SocketException("Connection reset"));
    Throwable noResponse =
        new ResourceAccessException(
            "I/O error", new NoHttpResponseException("127.0.0.1:8082 failed to respond"));
    Throwable jdkReadTimeout =
        new ResourceAccessException("I/O error", new HttpTimeoutException("request timed out"));
    Throwable hc5ReadTimeout =
        new ResourceAccessException("I/O error", new SocketTimeoutException("Read timed out"));
    assertThat(hc5Refused.getCause()).isInstanceOf(HttpHostConnectException.class);
    assertThat(hc5ConnectTimeout.getCause()).isInstanceOf(ConnectTimeoutException.class);

    assertThat(FailedInstances.neverReached(jdkRefused)).as("JDK refused").isTrue();
    assertThat(FailedInstances.neverReached(hc5Refused)).as("HttpClient 5 refused").isTrue();
    assertThat(FailedInstances.neverReached(jdkConnectTimeout)).as("JDK connect timeout").isTrue();
    assertThat(FailedInstances.neverReached(hc5ConnectTimeout))
        .as("HttpClient 5 connect timeout")
        .isTrue();
    assertThat(FailedInstances.neverReached(reset)).as("reset").isFalse();
    assertThat(FailedInstances.neverReached(noResponse)).as("no response").isFalse();
    assertThat(FailedInstances.neverReached(jdkReadTimeout)).as("JDK read timeout").isFalse();
    assertThat(FailedInstances.neverReached(hc5ReadTimeout))
        .as("HttpClient 5 read timeout")
        .isFalse();

    assertThat(FailedInstances.isConnectionFailure(reset)).as("a reset still ejects").isTrue();
    assertThat(FailedInstances.isConnectionFailure(noResponse)).as("so does no answer").isTrue();
    assertThat(FailedInstances.isConnectionFailure(jdkReadTimeout)).isFalse();
    assertThat(FailedInstances.isConnectionFailure(hc5ReadTimeout)).isFalse();
  }

  private ServiceInstanceListSupplier discovery() {
    return new ServiceInstanceListSupplier() {
      @Override
      public String getServiceId() {
        return "inventory-service";
      }

      @Override
      public Flux<List<ServiceInstance>> get() {
        return Flux.just(List.of(a, b));
      }
    };
  }

  private static CompletionContext<Object, ServiceInstance, Object> failure(
      ServiceInstance instance, Throwable error) {
    return new CompletionContext<>(
        CompletionContext.Status.FAILED,
        error,
        new DefaultRequest<>(),
        new DefaultResponse(instance));
  }

  private static ServiceInstance instance(String host, int port) {
    return new DefaultServiceInstance(host + port, "inventory-service", host, port, false);
  }

  private static final class MutableClock extends Clock {
    private Instant now = Instant.parse("2026-11-27T00:00:00Z");

    void advance(Duration duration) {
      now = now.plus(duration);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  }
}
