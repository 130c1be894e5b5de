package io.shopstack.defaults.web;

import org.springframework.boot.jackson.autoconfigure.JsonMapperBuilderCustomizer;
import tools.jackson.databind.cfg.CoercionAction;
import tools.jackson.databind.cfg.CoercionInputShape;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.type.LogicalType;

/**
 * Jackson turns a number or a boolean into a string when a string is expected ({@code "sku": 7}
 * becomes {@code "7"}); {@code allow-coercion-of-scalars=false} in shop-defaults.properties does
 * not cover that direction. A client that sends the wrong type gets a 400, not a guess.
 */
public class StrictJson implements JsonMapperBuilderCustomizer {

  @Override
  public void customize(JsonMapper.Builder builder) {
    builder.withCoercionConfig(
        LogicalType.Textual,
        config -> {
          config.setCoercion(CoercionInputShape.Integer, CoercionAction.Fail);
          config.setCoercion(CoercionInputShape.Float, CoercionAction.Fail);
          config.setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
        });
  }
}
