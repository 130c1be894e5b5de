package io.shopstack.order.orders;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The normal form behind idempotent replays: the same lines in any order are the same request, any
 * other quantity or sku is another one.
 */
class PlaceOrderRequestTest {

  @Test
  void fingerprintIgnoresLineOrder() {
    PlaceOrderRequest one =
        new PlaceOrderRequest(List.of(new OrderLine("A-1", 1), new OrderLine("B-2", 2)));
    PlaceOrderRequest other =
        new PlaceOrderRequest(List.of(new OrderLine("B-2", 2), new OrderLine("A-1", 1)));

    assertThat(one.fingerprint()).isEqualTo(other.fingerprint()).hasSize(64);
  }

  @Test
  void fingerprintTellsOrdersApart() {
    String base = new PlaceOrderRequest(List.of(new OrderLine("A-1", 1))).fingerprint();

    assertThat(new PlaceOrderRequest(List.of(new OrderLine("A-1", 2))).fingerprint())
        .isNotEqualTo(base);
    assertThat(new PlaceOrderRequest(List.of(new OrderLine("A-2", 1))).fingerprint())
        .isNotEqualTo(base);
    assertThat(
            new PlaceOrderRequest(List.of(new OrderLine("A-1", 1), new OrderLine("B-2", 1)))
                .fingerprint())
        .isNotEqualTo(base);
  }
}
