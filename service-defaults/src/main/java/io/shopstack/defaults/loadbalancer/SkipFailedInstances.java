package io.shopstack.defaults.loadbalancer;

import java.util.List;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.loadbalancer.core.DelegatingServiceInstanceListSupplier;
import org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier;
import reactor.core.publisher.Flux;

/**
 * The instances from discovery less those {@link FailedInstances} has just ejected; all of them
 * when every one is ejected, so that a whole outage still gets a real answer (503) rather than "no
 * instance" forever.
 */
public class SkipFailedInstances extends DelegatingServiceInstanceListSupplier {

  private final FailedInstances failed;

  public SkipFailedInstances(ServiceInstanceListSupplier delegate, FailedInstances failed) {
    super(delegate);
    this.failed = failed;
  }

  @Override
  public Flux<List<ServiceInstance>> get() {
    return getDelegate().get().map(this::healthy);
  }

  List<ServiceInstance> healthy(List<ServiceInstance> instances) {
    List<ServiceInstance> answering = instances.stream().filter(i -> !failed.isEjected(i)).toList();
    return answering.isEmpty() ? instances : answering;
  }
}
