#!/usr/bin/env bash
# Prints an access token of auth-server for a person, got the way a command-line client gets one:
# the OAuth 2 authorization-code grant with PKCE (RFC 7636) for the public client shop-cli, the
# login form filled in as a browser would. No password grant, nothing home-made.
#   TOKEN=$(./shop-token.sh alice)                          asks for alice's password
#   TOKEN=$(SHOP_PASSWORD=... ./shop-token.sh alice)        takes it from the environment
#   SHOP_AUTH_URL=http://127.0.0.1:9000                     where auth-server answers (default;
#                                                           kubectl -n shop port-forward svc/auth-server 9000)
# Needs curl and openssl. The token is valid for 30 minutes.
set -euo pipefail

user="${1:?usage: $0 <user name>   (demo accounts: alice, bob, oscar)}"
auth="${SHOP_AUTH_URL:-http://127.0.0.1:9000}"
auth="${auth%/}"
client_id=shop-cli
# A loopback redirect that nothing needs to listen on: the code is read from the redirect itself.
redirect_uri=http://127.0.0.1:8976/callback

if [ -z "${SHOP_PASSWORD:-}" ]; then
  read -r -s -p "Password of $user: " SHOP_PASSWORD </dev/tty
  echo >&2
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
jar="$work/cookies"

b64url() { openssl base64 -A | tr '+/' '-_' | tr -d '='; }
verifier=$(openssl rand 48 | b64url)
challenge=$(printf '%s' "$verifier" | openssl dgst -sha256 -binary | b64url)
state=$(openssl rand 16 | b64url)

fail() { echo "shop-token: $*" >&2; exit 1; }

# 1. The authorization request; auth-server sends the browser to its login form.
curl -fsS -o /dev/null -c "$jar" -b "$jar" \
  "$auth/oauth2/authorize?response_type=code&client_id=$client_id&scope=orders&state=$state&redirect_uri=$redirect_uri&code_challenge=$challenge&code_challenge_method=S256" \
  || fail "auth-server does not answer at $auth"

# 2. The login form and its CSRF token.
csrf=$(curl -fsS -c "$jar" -b "$jar" "$auth/login" \
  | sed -n 's/.*name="_csrf"[^>]*value="\([^"]*\)".*/\1/p' | head -n 1)
[ -n "$csrf" ] || fail "no login form at $auth/login"

# 3. Log in; auth-server sends the browser back to the authorization request.
back=$(curl -sS -o /dev/null -w '%{redirect_url}' -c "$jar" -b "$jar" \
  --data-urlencode "username=$user" --data-urlencode "password=$SHOP_PASSWORD" \
  --data-urlencode "_csrf=$csrf" "$auth/login")
case "$back" in
  *error*|'') fail "auth-server refused the login of $user" ;;
esac

# 4. The authorization request again, now logged in: the redirect carries the code.
callback=$(curl -sS -o /dev/null -w '%{redirect_url}' -c "$jar" -b "$jar" "$back")
case "$callback" in
  "$redirect_uri?"*"state=$state"*) ;;
  *) fail "auth-server did not redirect back with a code" ;;
esac
code=$(printf '%s' "$callback" | sed -n 's/.*[?&]code=\([^&]*\).*/\1/p')
[ -n "$code" ] || fail "no code in the redirect"

# 5. The code and the PKCE verifier for the access token.
answer=$(curl -sS "$auth/oauth2/token" \
  -d grant_type=authorization_code -d "client_id=$client_id" \
  --data-urlencode "code=$code" --data-urlencode "redirect_uri=$redirect_uri" \
  --data-urlencode "code_verifier=$verifier")
token=$(printf '%s' "$answer" | sed -n 's/.*"access_token":"\([^"]*\)".*/\1/p')
[ -n "$token" ] || fail "the token endpoint answered: $answer"
printf '%s\n' "$token"
