package io.shopstack.order.orders;

import static org.assertj.core.api.Assertions.assertThat;

import io.shopstack.order.IntegrationTest;
import io.shopstack.order.InventoryStub.Answer;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Orders are listed newest first, a page at a time, optionally by status, each with its lines.
 * Other tests share the database, so only the newest orders and relative counts are asserted.
 */
class ListOrdersIT extends IntegrationTest {

  @Test
  void pagesThroughOrdersNewestFirst() {
    UUID first = place(lines("A-1", 1), 201);
    UUID second = place(lines("B-2", 2), 201);
    UUID third = place(lines("C-3", 3), 201);

    OrderPage page = list("size=2");
    assertThat(page.content()).extracting(Order::id).containsExactly(third, second);
    assertThat(page.content().getFirst().lines()).containsExactly(new OrderLine("C-3", 3));
    assertThat(page.content().get(1).lines()).containsExactly(new OrderLine("B-2", 2));
    assertThat(page.page()).isZero();
    assertThat(page.size()).isEqualTo(2);
    assertThat(page.totalElements()).isGreaterThanOrEqualTo(3);
    assertThat(page.totalPages()).isEqualTo((int) ((page.totalElements() + 1) / 2));

    assertThat(list("size=2&page=1").content().getFirst().id()).isEqualTo(first);
  }

  @Test
  void filtersByStatus() {
    inventory.answerReservations(Answer.insufficientStock("A-1", 5, 0));
    UUID rejected = place(lines("A-1", 5), 409);
    inventory.resetToDefault();
    place(lines("A-1", 1), 201);

    OrderPage page = list("status=REJECTED");

    assertThat(page.content().getFirst().id()).isEqualTo(rejected);
    assertThat(page.content())
        .allSatisfy(o -> assertThat(o.status()).isEqualTo(OrderStatus.REJECTED));
    assertThat(page.size()).isEqualTo(20);
  }

  private OrderPage list(String query) {
    return http.get()
        .uri("/api/orders?" + query)
        .exchange()
        .expectStatus()
        .isOk()
        .returnResult(OrderPage.class)
        .getResponseBody();
  }
}
