package io.shopstack.inventory.items;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.verifyNoInteractions;

import io.shopstack.inventory.SliceSecurity;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.assertj.MockMvcTester;
import org.springframework.test.web.servlet.assertj.MvcTestResult;

/**
 * The item endpoints over a mocked repository: the public catalogue (read only) and the internal
 * stock administration, what a client sees for good requests, unknown items and every kind of bad
 * input. Every error is a problem document with a 4xx status, and bad input never reaches the
 * repository.
 */
@WebMvcTest({ItemController.class, InternalItemController.class})
@Import(SliceSecurity.class)
class ItemControllerTest {

  private static final UUID ADJUSTMENT = UUID.fromString("7d9f4c1e-2b5a-4c3d-9e8f-0a1b2c3d4e5f");

  @Autowired MockMvcTester mvc;
  @MockitoBean ItemRepository items;
  @MockitoBean StockAdjustments adjustments;

  @Test
  void listsItems() {
    given(items.findAll()).willReturn(List.of(new Item("SKU-RED-MUG", "Red Ceramic Mug", 7)));

    assertThat(mvc.get().uri("/api/inventory/items"))
        .hasStatusOk()
        .bodyJson()
        .isStrictlyEqualTo(
            """
            [{"sku": "SKU-RED-MUG", "name": "Red Ceramic Mug", "available": 7}]""");
  }

  @Test
  void getsOneItem() {
    given(items.find("SKU-RED-MUG"))
        .willReturn(Optional.of(new Item("SKU-RED-MUG", "Red Ceramic Mug", 7)));

    assertThat(mvc.get().uri("/api/inventory/items/SKU-RED-MUG"))
        .hasStatusOk()
        .bodyJson()
        .isStrictlyEqualTo(
            """
            {"sku": "SKU-RED-MUG", "name": "Red Ceramic Mug", "available": 7}""");
  }

  @Test
  void unknownItemIsNotFound() {
    given(items.find("SKU-NONE")).willReturn(Optional.empty());

    MvcTestResult result = mvc.get().uri("/api/inventory/items/SKU-NONE").exchange();

    assertProblem(result, 404);
    assertThat(result)
        .bodyJson()
        .hasPathSatisfying(
            "$.type",
            t -> assertThat(t).asString().isEqualTo("https://shop.example/problems/item-not-found"))
        .hasPathSatisfying("$.sku", s -> assertThat(s).asString().isEqualTo("SKU-NONE"));
  }

  @Test
  void thePublicApiCannotChangeItemsOrStock() {
    assertProblem(putJson("/api/inventory/items/SKU-RED-MUG", "{\"name\": \"Mug\"}"), 405);
    assertProblem(putJson("/api/inventory/items/SKU-RED-MUG/stock", "{\"available\": 0}"), 404);
    assertProblem(
        putJson("/api/inventory/items/SKU-RED-MUG/adjustments/" + ADJUSTMENT, "{\"change\": 1}"),
        404);
    verifyNoInteractions(items, adjustments);
  }

  @Test
  void createsItemWithoutStock() {
    given(items.save("SKU-BLUE-MUG", "Blue Mug")).willReturn(true);
    given(items.find("SKU-BLUE-MUG"))
        .willReturn(Optional.of(new Item("SKU-BLUE-MUG", "Blue Mug", 0)));

    assertThat(putItem("SKU-BLUE-MUG", "{\"name\": \"Blue Mug\"}"))
        .hasStatus(201)
        .hasHeader("Location", "/api/inventory/items/SKU-BLUE-MUG")
        .bodyJson()
        .isStrictlyEqualTo(
            """
            {"sku": "SKU-BLUE-MUG", "name": "Blue Mug", "available": 0}""");
  }

  @Test
  void renamesItemKeepingItsStock() {
    given(items.save("SKU-BLUE-MUG", "Blue Mug")).willReturn(false);
    given(items.find("SKU-BLUE-MUG"))
        .willReturn(Optional.of(new Item("SKU-BLUE-MUG", "Blue Mug", 4)));

    assertThat(putItem("SKU-BLUE-MUG", "{\"name\": \"Blue Mug\"}"))
        .hasStatusOk()
        .bodyJson()
        .isStrictlyEqualTo(
            """
            {"sku": "SKU-BLUE-MUG", "name": "Blue Mug", "available": 4}""");
  }

  @Test
  void badItemsAreBadRequests() {
    for (String body :
        List.of(
            "{}",
            "{\"name\": \"\"}",
            "{\"name\": \"   \"}",
            "{\"name\": \"" + "x".repeat(201) + "\"}",
            // Stock is never set absolutely: only adjustments change it.
            "{\"name\": \"Blue Mug\", \"available\": 4}",
            "{\"name\": \"Blue Mug\", \"price\": 3}",
            "{\"name\": \"Blue Mug\"",
            "")) {
      assertProblem(putItem("SKU-BLUE-MUG", body), 400);
    }
    assertProblem(putItem("blue-mug", "{\"name\": \"Blue Mug\"}"), 400);
    verifyNoInteractions(items);
  }

  @Test
  void appliesAnAdjustmentOnceAndRepeatsItsAnswer() {
    AppliedAdjustment applied = new AppliedAdjustment(ADJUSTMENT, "SKU-RED-MUG", -2, 5);
    given(adjustments.apply(ADJUSTMENT, "SKU-RED-MUG", -2))
        .willReturn(new StockAdjustments.Outcome(applied, true))
        .willReturn(new StockAdjustments.Outcome(applied, false));

    assertThat(putAdjustment("SKU-RED-MUG", ADJUSTMENT.toString(), "{\"change\": -2}"))
        .hasStatus(201)
        .hasHeader("Location", "/internal/inventory/items/SKU-RED-MUG/adjustments/" + ADJUSTMENT)
        .bodyJson()
        .isStrictlyEqualTo(
            """
            {"id": "%s", "sku": "SKU-RED-MUG", "change": -2, "available": 5}"""
                .formatted(ADJUSTMENT));
    assertThat(putAdjustment("SKU-RED-MUG", ADJUSTMENT.toString(), "{\"change\": -2}"))
        .hasStatusOk();
  }

  @Test
  void refusalsOfTheServiceArePassedOn() {
    given(adjustments.apply(ADJUSTMENT, "SKU-RED-MUG", -9))
        .willThrow(ItemProblems.adjustmentRefused("SKU-RED-MUG", -9, 5));
    given(adjustments.apply(ADJUSTMENT, "SKU-NONE", 1))
        .willThrow(ItemProblems.notFound("SKU-NONE"));

    assertThat(putAdjustment("SKU-RED-MUG", ADJUSTMENT.toString(), "{\"change\": -9}"))
        .hasStatus(409)
        .bodyJson()
        .isLenientlyEqualTo(
            """
            {"type": "https://shop.example/problems/stock-adjustment-refused",
             "sku": "SKU-RED-MUG", "change": -9, "available": 5}""");
    assertProblem(putAdjustment("SKU-NONE", ADJUSTMENT.toString(), "{\"change\": 1}"), 404);
  }

  @Test
  void badAdjustmentsAreBadRequests() {
    for (String body :
        List.of(
            "{\"change\": 0}",
            "{\"change\": 1000000001}",
            "{\"change\": -1000000001}",
            "{}",
            "{\"change\": null}",
            "{\"change\": \"many\"}",
            "{\"change\": 1.5}",
            "{\"change\": \"5\"}",
            "{\"change\": 5, \"name\": \"x\"}",
            "{\"available\": 5}",
            "{\"change\": ",
            "[]",
            "")) {
      assertProblem(putAdjustment("SKU-RED-MUG", ADJUSTMENT.toString(), body), 400);
    }
    assertProblem(putAdjustment("SKU-RED-MUG", "not-a-uuid", "{\"change\": 5}"), 400);
    assertProblem(putAdjustment("red-mug", ADJUSTMENT.toString(), "{\"change\": 5}"), 400);
    verifyNoInteractions(items, adjustments);
  }

  @Test
  void aZeroChangeNamesTheField() {
    assertThat(putAdjustment("SKU-RED-MUG", ADJUSTMENT.toString(), "{\"change\": 0}"))
        .bodyJson()
        .isLenientlyEqualTo(
            """
            {"status": 400, "errors": [{"field": "change", "message": "must not be 0"}]}""");
  }

  @Test
  void badSkuInPathIsBadRequest() {
    assertProblem(mvc.get().uri("/api/inventory/items/red-mug").exchange(), 400);
    assertProblem(mvc.get().uri("/api/inventory/items/" + "A".repeat(65)).exchange(), 400);
    verifyNoInteractions(items);
  }

  @Test
  void wrongContentTypeIsUnsupported() {
    MvcTestResult result =
        mvc.put()
            .uri("/internal/inventory/items/SKU-RED-MUG/adjustments/" + ADJUSTMENT)
            .contentType(MediaType.TEXT_PLAIN)
            .content("5")
            .exchange();

    assertProblem(result, 415);
    assertProblem(
        mvc.put()
            .uri("/internal/inventory/items/SKU-RED-MUG")
            .contentType(MediaType.APPLICATION_FORM_URLENCODED)
            .content("name=Mug")
            .exchange(),
        415);
  }

  @Test
  void oversizedBodyIsTooLarge() {
    String body = "{\"change\": 5, \"padding\": \"" + "x".repeat(70 * 1024) + "\"}";

    assertProblem(putAdjustment("SKU-RED-MUG", ADJUSTMENT.toString(), body), 413);
    verifyNoInteractions(adjustments);
  }

  @Test
  void wrongMethodIsNotAllowed() {
    assertProblem(mvc.delete().uri("/api/inventory/items/SKU-RED-MUG").exchange(), 405);
    assertProblem(mvc.delete().uri("/internal/inventory/items/SKU-RED-MUG").exchange(), 405);
  }

  private MvcTestResult putItem(String sku, String body) {
    return putJson("/internal/inventory/items/" + sku, body);
  }

  private MvcTestResult putAdjustment(String sku, String id, String body) {
    return putJson("/internal/inventory/items/" + sku + "/adjustments/" + id, body);
  }

  private MvcTestResult putJson(String path, String body) {
    return mvc.put().uri(path).contentType(MediaType.APPLICATION_JSON).content(body).exchange();
  }

  static void assertProblem(MvcTestResult result, int status) {
    assertThat(result).hasStatus(status);
    assertThat(result).contentType().isCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON);
    assertThat(result).bodyJson().extractingPath("$.status").isEqualTo(status);
  }
}
