package io.shopstack.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The key auth-server signs with and the public keys its JWK set publishes. Every replica reads the
 * same key (a Secret), so a token signed by one validates against the JWK set of any. Key ids are
 * RFC 7638 thumbprints: the same key has the same id everywhere, and a rotation is seen as a new
 * id.
 */
final class SigningKeys {

  private static final Pattern PEM =
      Pattern.compile("-----BEGIN ([A-Z ]+)-----([^-]+)-----END \\1-----");
  private static final int MIN_BITS = 2048;

  private final RSAKey signing;
  private final JWKSet published;

  private SigningKeys(RSAKey signing, List<JWK> verification) {
    this.signing = signing;
    List<JWK> all = new ArrayList<>();
    all.add(signing);
    verification.stream()
        .filter(key -> !key.getKeyID().equals(signing.getKeyID()))
        .forEach(all::add);
    this.published = new JWKSet(all);
  }

  /**
   * @param signingKeyPem an RSA private key, PKCS#8 PEM ({@code BEGIN PRIVATE KEY})
   * @param verificationKeysPem zero or more RSA public keys, PEM ({@code BEGIN PUBLIC KEY}), or
   *     null
   * @throws IllegalArgumentException naming what is wrong with a key, never showing the key
   */
  static SigningKeys of(String signingKeyPem, String verificationKeysPem) {
    List<byte[]> privateKeys = blocks(signingKeyPem, "PRIVATE KEY");
    if (privateKeys.size() != 1) {
      throw new IllegalArgumentException(
          "shop.auth.signing-key must hold exactly one PKCS#8 PEM RSA private key (BEGIN PRIVATE"
              + " KEY); it holds "
              + privateKeys.size());
    }
    List<JWK> verification = new ArrayList<>();
    for (byte[] der : blocks(verificationKeysPem, "PUBLIC KEY")) {
      verification.add(rsaKey(publicKey(der), null));
    }
    RSAPrivateCrtKey privateKey = privateKey(privateKeys.getFirst());
    return new SigningKeys(rsaKey(publicOf(privateKey), privateKey), verification);
  }

  /** The key id every new token names in its header. */
  String signingKeyId() {
    return signing.getKeyID();
  }

  /** Signing key (with its private part) and the verification keys. */
  JWKSet jwkSet() {
    return published;
  }

  private static List<byte[]> blocks(String pem, String type) {
    List<byte[]> blocks = new ArrayList<>();
    if (pem == null) {
      return blocks;
    }
    Matcher matcher = PEM.matcher(pem);
    while (matcher.find()) {
      if (!matcher.group(1).equals(type)) {
        throw new IllegalArgumentException(
            "Expected PEM blocks of type " + type + ", found " + matcher.group(1));
      }
      blocks.add(Base64.getMimeDecoder().decode(matcher.group(2).strip()));
    }
    return blocks;
  }

  private static RSAPrivateCrtKey privateKey(byte[] der) {
    try {
      if (KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der))
          instanceof RSAPrivateCrtKey key) {
        return checked(key.getModulus().bitLength(), key);
      }
      throw new IllegalArgumentException("shop.auth.signing-key lacks the RSA CRT parameters");
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException(
          "shop.auth.signing-key is no RSA private key: " + e.getClass().getSimpleName());
    }
  }

  private static RSAPublicKey publicKey(byte[] der) {
    try {
      RSAPublicKey key =
          (RSAPublicKey) KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(der));
      return checked(key.getModulus().bitLength(), key);
    } catch (GeneralSecurityException | ClassCastException e) {
      throw new IllegalArgumentException(
          "A key in shop.auth.verification-keys is no RSA public key: "
              + e.getClass().getSimpleName());
    }
  }

  private static RSAPublicKey publicOf(RSAPrivateCrtKey key) {
    try {
      return (RSAPublicKey)
          KeyFactory.getInstance("RSA")
              .generatePublic(new RSAPublicKeySpec(key.getModulus(), key.getPublicExponent()));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static <K> K checked(int bits, K key) {
    if (bits < MIN_BITS) {
      throw new IllegalArgumentException(
          "RSA keys must have at least " + MIN_BITS + " bits; this one has " + bits);
    }
    return key;
  }

  private static RSAKey rsaKey(RSAPublicKey publicKey, RSAPrivateCrtKey privateKey) {
    RSAKey.Builder builder =
        new RSAKey.Builder(publicKey).keyUse(KeyUse.SIGNATURE).algorithm(JWSAlgorithm.RS256);
    if (privateKey != null) {
      builder.privateKey(privateKey);
    }
    try {
      return builder.keyIDFromThumbprint().build();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }
}
