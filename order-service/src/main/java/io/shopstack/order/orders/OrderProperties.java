package io.shopstack.order.orders;

import jakarta.validation.constraints.Min;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * Order rules that operators may change at run time ({@code shop.orders.*}). A mutable bean rather
 * than a record on purpose: Spring Cloud's refresh rebinds such beans in place when a ConfigMap
 * changes, and callers read the value on every request.
 */
@Validated
@ConfigurationProperties("shop.orders")
public class OrderProperties {

  /** The largest quantity one order line may ask for. */
  @Min(1)
  private int maxQuantityPerLine = 100;

  public int getMaxQuantityPerLine() {
    return maxQuantityPerLine;
  }

  public void setMaxQuantityPerLine(int maxQuantityPerLine) {
    this.maxQuantityPerLine = maxQuantityPerLine;
  }
}
