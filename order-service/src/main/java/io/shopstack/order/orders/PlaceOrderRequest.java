package io.shopstack.order.orders;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/** The body of {@code POST /api/orders}. */
public record PlaceOrderRequest(
    @NotNull @Size(min = 1, max = 50) List<@NotNull @Valid OrderLine> lines) {

  /**
   * The rules bean validation cannot express: the quantity limit is a setting that may change at
   * run time, and a sku may appear only once. Checked after bean validation, so lines are sane.
   *
   * @return field errors in the shape the problem details use, empty when the request is valid
   */
  public List<Map<String, String>> violations(int maxQuantityPerLine) {
    List<Map<String, String>> errors = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < lines.size(); i++) {
      OrderLine line = lines.get(i);
      if (line.quantity() > maxQuantityPerLine) {
        errors.add(
            Map.of(
                "field",
                "lines[%d].quantity".formatted(i),
                "message",
                "must be less than or equal to " + maxQuantityPerLine));
      }
      if (!seen.add(line.sku())) {
        errors.add(
            Map.of(
                "field",
                "lines[%d].sku".formatted(i),
                "message",
                "must not repeat a sku of an earlier line"));
      }
    }
    return errors;
  }

  /**
   * A SHA-256 of the request in a normal form (lines sorted by sku), so that a retry of the same
   * order matches whatever its JSON layout or line order, and a different order does not.
   */
  public String fingerprint() {
    String normal =
        lines.stream()
            .sorted(Comparator.comparing(OrderLine::sku))
            .map(line -> line.sku() + ":" + line.quantity())
            .collect(Collectors.joining("\n"));
    try {
      MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(sha256.digest(normal.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("Every JVM has SHA-256", e);
    }
  }
}
