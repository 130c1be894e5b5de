package io.shopstack.order.orders;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The public order API, routed by the gateway: what a customer may do with their own orders. The
 * customer is the subject of the access token; another customer's order is a 404, and idempotency
 * keys are each customer's own.
 */
@RestController
@RequestMapping("/api/orders")
class OrderController {

  static final String IDEMPOTENCY_KEY = "Idempotency-Key";
  private static final Pattern VISIBLE_ASCII = Pattern.compile("[!-~]{1,100}");

  private final OrderLifecycle lifecycle;
  private final OrderRepository orders;
  private final OrderProperties properties;

  @Autowired // see docs/observability.md, "Controllers and the agent"
  OrderController(OrderLifecycle lifecycle, OrderRepository orders, OrderProperties properties) {
    this.lifecycle = lifecycle;
    this.orders = orders;
    this.properties = properties;
  }

  @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
  ResponseEntity<Order> place(
      @AuthenticationPrincipal Jwt token,
      @RequestHeader HttpHeaders headers,
      @Valid @RequestBody PlaceOrderRequest request) {
    String key = idempotencyKey(headers);
    List<Map<String, String>> errors = request.violations(properties.getMaxQuantityPerLine());
    if (!errors.isEmpty()) {
      throw OrderProblems.invalid("The request has invalid fields.", errors);
    }
    OrderLifecycle.Placement placement = lifecycle.place(token.getSubject(), key, request);
    Order order = placement.order();
    URI location = URI.create("/api/orders/" + order.id());
    return switch (placement.status()) {
      case CREATED -> ResponseEntity.created(location).body(order);
      case CONFLICT -> throw OrderProblems.insufficientStock(order.id(), placement.shortages());
      default -> ResponseEntity.accepted().location(location).body(order);
    };
  }

  @GetMapping("/{id}")
  Order get(@AuthenticationPrincipal Jwt token, @PathVariable UUID id) {
    return lifecycle.findOf(token.getSubject(), id);
  }

  @GetMapping
  OrderPage list(
      @AuthenticationPrincipal Jwt token,
      @RequestParam(required = false) OrderStatus status,
      @RequestParam(defaultValue = "0") @Min(0) @Max(1_000_000) int page,
      @RequestParam(defaultValue = "20") @Min(1) @Max(100) int size) {
    return orders.page(token.getSubject(), status, page, size);
  }

  /**
   * 200 with the CANCELLED order; 202 with the CANCELLING order when inventory could not release
   * its stock just now: the cancellation is recorded and will complete (repeat the request to
   * finish it sooner, or the batch job does).
   */
  @PostMapping("/{id}/cancel")
  ResponseEntity<Order> cancel(@AuthenticationPrincipal Jwt token, @PathVariable UUID id) {
    OrderLifecycle.Cancellation cancellation = lifecycle.cancel(token.getSubject(), id);
    return cancellation.done()
        ? ResponseEntity.ok(cancellation.order())
        : ResponseEntity.accepted().body(cancellation.order());
  }

  /** Exactly one header of 1 to 100 visible ASCII characters, as the contract says. */
  private static String idempotencyKey(HttpHeaders headers) {
    List<String> values = headers.getOrEmpty(IDEMPOTENCY_KEY);
    String problem =
        values.isEmpty()
            ? "is required"
            : values.size() > 1
                ? "must be sent once"
                : !VISIBLE_ASCII.matcher(values.getFirst()).matches()
                    ? "must be 1 to 100 visible ASCII characters"
                    : null;
    if (problem != null) {
      throw OrderProblems.invalid(
          "The " + IDEMPOTENCY_KEY + " header " + problem + ".",
          List.of(Map.of("field", IDEMPOTENCY_KEY, "message", problem)));
    }
    return values.getFirst();
  }
}
