package io.shopstack.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.KeyPair;
import org.junit.jupiter.api.Test;

/**
 * The signing key every replica reads from the Secret: the same key gives the same key id on every
 * replica, the JWK set publishes the verification keys of a rotation beside it, and nothing of a
 * key's private part or of a broken key's text leaves this class.
 */
class SigningKeysTest {

  private static final KeyPair KEY = TestKeys.generate(2048);
  private static final KeyPair NEXT = TestKeys.generate(2048);

  @Test
  void everyReplicaWithTheSameKeyNamesItTheSame() {
    SigningKeys one = SigningKeys.of(TestKeys.privatePem(KEY), null);
    SigningKeys other = SigningKeys.of(TestKeys.privatePem(KEY), null);

    assertThat(one.signingKeyId()).isEqualTo(other.signingKeyId());
    assertThat(SigningKeys.of(TestKeys.privatePem(NEXT), null).signingKeyId())
        .isNotEqualTo(one.signingKeyId());
  }

  @Test
  void thePublishedSetHoldsTheNextKeyDuringARotationAndNoPrivatePart() {
    SigningKeys keys =
        SigningKeys.of(
            TestKeys.privatePem(KEY), TestKeys.publicPem(NEXT) + TestKeys.publicPem(KEY));

    String published = keys.jwkSet().toString(); // what /oauth2/jwks serves: public parts only
    assertThat(keys.jwkSet().getKeys()).hasSize(2); // the signing key's own public key once
    assertThat(keys.jwkSet().getKeyByKeyId(keys.signingKeyId()).isPrivate()).isTrue();
    assertThat(published).doesNotContain("\"d\"").doesNotContain("\"p\"").contains("RS256");
    assertThat(keys.jwkSet().toPublicJWKSet().getKeys()).allMatch(key -> !key.isPrivate());
  }

  @Test
  void aMissingShortOrMistypedKeyIsRefusedWithoutQuotingIt() {
    assertThatThrownBy(() -> SigningKeys.of("", null))
        .hasMessageContaining("exactly one PKCS#8 PEM RSA private key");
    String shortKey = TestKeys.privatePem(TestKeys.generate(1024));
    assertThatThrownBy(() -> SigningKeys.of(shortKey, null))
        .hasMessageContaining("at least 2048 bits")
        .hasMessageNotContaining(shortKey.substring(40, 80));
    assertThatThrownBy(() -> SigningKeys.of(TestKeys.publicPem(KEY), null))
        .hasMessageContaining("PRIVATE KEY");
    assertThatThrownBy(() -> SigningKeys.of(TestKeys.privatePem(KEY), TestKeys.privatePem(NEXT)))
        .hasMessageContaining("PUBLIC KEY");
  }
}
