package io.shopstack.order.inventory;

import io.shopstack.defaults.web.Problems;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/** Inventory could not release an order's stock; answered as a 503 problem. */
public class InventoryUnavailableException extends ErrorResponseException {

  public InventoryUnavailableException(UUID orderId, Throwable cause) {
    super(HttpStatus.SERVICE_UNAVAILABLE, problem(orderId), cause);
  }

  private static ProblemDetail problem(UUID orderId) {
    ProblemDetail problem =
        ProblemDetail.forStatusAndDetail(
            HttpStatus.SERVICE_UNAVAILABLE,
            "Inventory could not be reached to release the stock of order "
                + orderId
                + "; the order is unchanged. Try again later.");
    problem.setType(Problems.type("inventory-unavailable"));
    problem.setTitle("Inventory unavailable");
    problem.setProperty("orderId", orderId);
    return problem;
  }
}
