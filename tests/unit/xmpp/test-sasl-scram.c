/* test-sasl-scram.c — the SCRAM client (signalling/xmpp/sasl-scram.c)
 * against the RFC 5802 §5 and RFC 7677 §3 vectors, and against a small
 * server written here from the RFC 5802 §3 formulas on nettle's HMAC (so
 * that it shares no code with the client's GnuTLS path). */

#include <string.h>

#include <nettle/hmac.h>
#include <nettle/nettle-meta.h>

#include "signalling/xmpp/sasl-scram.h"

/* ---- an in-test SCRAM server (RFC 5802 §3) ---- */

#define MAX_DIGEST 64

typedef struct {
  const struct nettle_hash *h;
  char *gs2_and_cb_b64;   /* expected c= */
  char *client_first_bare;
  char *server_first;
  guint8 stored_key[MAX_DIGEST];
  guint8 server_key[MAX_DIGEST];
} TestServer;

static const struct nettle_hash *
nettle_hash_for (JaScramHash hash)
{
  switch (hash) {
    case JA_SCRAM_SHA_1:
      return &nettle_sha1;
    case JA_SCRAM_SHA_256:
      return &nettle_sha256;
    case JA_SCRAM_SHA_512:
      return &nettle_sha512;
    default:
      g_assert_not_reached ();
  }
}

static void
hmac (const struct nettle_hash *h, const guint8 *key, gsize key_len,
    const void *msg, gsize len, guint8 *out)
{
  g_autofree guint8 *outer = g_malloc (h->context_size);
  g_autofree guint8 *inner = g_malloc (h->context_size);
  g_autofree guint8 *state = g_malloc (h->context_size);

  hmac_set_key (outer, inner, state, h, key_len, key);
  hmac_update (state, h, len, msg);
  hmac_digest (outer, inner, state, h, h->digest_size, out);
}

static void
digest (const struct nettle_hash *h, const guint8 *msg, gsize len,
    guint8 *out)
{
  g_autofree guint8 *ctx = g_malloc (h->context_size);

  h->init (ctx);
  h->update (ctx, len, msg);
  h->digest (ctx, h->digest_size, out);
}

/* Hi (str, salt, i) written out as in RFC 5802 §2.2. */
static void
hi (const struct nettle_hash *h, const char *str, const guint8 *salt,
    gsize salt_len, guint iterations, guint8 *out)
{
  g_autofree guint8 *first = g_malloc (salt_len + 4);
  guint8 u[MAX_DIGEST];

  memcpy (first, salt, salt_len);
  memcpy (first + salt_len, "\0\0\0\1", 4);
  hmac (h, (const guint8 *) str, strlen (str), first, salt_len + 4, u);
  memcpy (out, u, h->digest_size);
  for (guint i = 1; i < iterations; i++) {
    hmac (h, (const guint8 *) str, strlen (str), u, h->digest_size, u);
    for (guint j = 0; j < h->digest_size; j++)
      out[j] ^= u[j];
  }
}

static TestServer *
test_server_new (JaScramHash hash, const char *password,
    const char *client_first, const char *cb_data, guint iterations)
{
  static const guint8 salt[] = "0123456789abcdef";
  TestServer *ts = g_new0 (TestServer, 1);
  const char *bare, *nonce;
  g_autofree char *gs2 = NULL;
  g_autofree char *gs2_cb = NULL;
  g_autofree char *salt_b64 = NULL;
  guint8 salted[MAX_DIGEST], client_key[MAX_DIGEST];

  ts->h = nettle_hash_for (hash);
  /* gs2-header is everything up to and including the second comma. */
  bare = strchr (strchr (client_first, ',') + 1, ',') + 1;
  gs2 = g_strndup (client_first, bare - client_first);
  gs2_cb = g_strconcat (gs2, cb_data != NULL ? cb_data : "", NULL);
  ts->gs2_and_cb_b64 = g_base64_encode ((const guint8 *) gs2_cb,
      strlen (gs2_cb));
  ts->client_first_bare = g_strdup (bare);
  nonce = strstr (bare, ",r=") + 3;
  salt_b64 = g_base64_encode (salt, sizeof salt - 1);
  ts->server_first = g_strdup_printf ("r=%s%s,s=%s,i=%u", nonce,
      "-server-part", salt_b64, iterations);

  hi (ts->h, password, salt, sizeof salt - 1, iterations, salted);
  hmac (ts->h, salted, ts->h->digest_size, "Client Key", 10, client_key);
  digest (ts->h, client_key, ts->h->digest_size, ts->stored_key);
  hmac (ts->h, salted, ts->h->digest_size, "Server Key", 10, ts->server_key);
  return ts;
}

static void
test_server_free (TestServer *ts)
{
  g_free (ts->gs2_and_cb_b64);
  g_free (ts->client_first_bare);
  g_free (ts->server_first);
  g_free (ts);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TestServer, test_server_free)

/* Checks the client's proof and returns the server-final-message. */
static char *
test_server_final (TestServer *ts, const char *client_final)
{
  const char *p = strstr (client_final, ",p=");
  g_autofree char *without_proof = g_strndup (client_final, p - client_final);
  g_autofree char *expected_c = g_strconcat ("c=", ts->gs2_and_cb_b64, ",",
      NULL);
  g_autofree char *auth = NULL;
  g_autofree guint8 *proof = NULL;
  gsize proof_len;
  guint8 client_signature[MAX_DIGEST], client_key[MAX_DIGEST];
  guint8 stored[MAX_DIGEST], server_signature[MAX_DIGEST];

  g_assert_true (g_str_has_prefix (client_final, expected_c));
  auth = g_strjoin (",", ts->client_first_bare, ts->server_first,
      without_proof, NULL);
  proof = g_base64_decode (p + 3, &proof_len);
  g_assert_cmpuint (proof_len, ==, ts->h->digest_size);

  hmac (ts->h, ts->stored_key, ts->h->digest_size, auth, strlen (auth),
      client_signature);
  for (guint i = 0; i < proof_len; i++)
    client_key[i] = proof[i] ^ client_signature[i];
  digest (ts->h, client_key, ts->h->digest_size, stored);
  if (memcmp (stored, ts->stored_key, ts->h->digest_size) != 0)
    return g_strdup ("e=invalid-proof");

  hmac (ts->h, ts->server_key, ts->h->digest_size, auth, strlen (auth),
      server_signature);
  {
    g_autofree char *v = g_base64_encode (server_signature,
        ts->h->digest_size);
    return g_strconcat ("v=", v, NULL);
  }
}

/* ---- helpers ---- */

static JaScram *
new_started (JaScramHash hash, const char *nonce)
{
  JaScram *scram = ja_scram_new (hash, "user", "pencil", NULL, NULL, 0,
      FALSE, nonce);
  g_autofree char *first = NULL;

  g_assert_nonnull (scram);
  first = ja_scram_client_first (scram);
  g_assert_nonnull (first);
  return scram;
}

static void
run_vector (JaScramHash hash, const char *nonce, const char *server_first,
    const char *client_final, const char *server_final)
{
  g_autoptr (JaScram) scram = ja_scram_new (hash, "user", "pencil", NULL,
      NULL, 0, FALSE, nonce);
  g_autoptr (GError) error = NULL;
  g_autofree char *first = ja_scram_client_first (scram);
  g_autofree char *expected_first = g_strconcat ("n,,n=user,r=", nonce, NULL);
  g_autofree char *final = NULL;

  g_assert_cmpstr (first, ==, expected_first);
  final = ja_scram_client_final (scram, server_first, strlen (server_first),
      &error);
  g_assert_no_error (error);
  g_assert_cmpstr (final, ==, client_final);
  g_assert_true (ja_scram_verify_server_final (scram, server_final,
      strlen (server_final), &error));
  g_assert_no_error (error);
}

static void
round_trip (JaScramHash hash, const char *user, const char *password,
    const char *server_password, const char *cb_name, const char *cb_data,
    gboolean expect_ok)
{
  g_autoptr (JaScram) scram = ja_scram_new (hash, user, password, cb_name,
      (const guint8 *) cb_data, cb_data != NULL ? strlen (cb_data) : 0,
      FALSE, NULL);
  g_autoptr (TestServer) ts = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *first = NULL;
  g_autofree char *final = NULL;
  g_autofree char *server_final = NULL;
  gboolean ok;

  g_assert_nonnull (scram);
  ja_scram_set_min_iterations (scram, 1);
  first = ja_scram_client_first (scram);
  ts = test_server_new (hash, server_password, first, cb_data, 64);
  final = ja_scram_client_final (scram, ts->server_first,
      strlen (ts->server_first), &error);
  g_assert_no_error (error);
  g_assert_nonnull (final);
  server_final = test_server_final (ts, final);
  ok = ja_scram_verify_server_final (scram, server_final,
      strlen (server_final), &error);
  if (expect_ok) {
    g_assert_no_error (error);
    g_assert_true (ok);
  } else {
    g_assert_error (error, JA_SCRAM_ERROR, JA_SCRAM_ERROR_SERVER_REJECTED);
    g_assert_false (ok);
  }
}

/* ---- tests ---- */

/* RFC 5802 §5. */
static void
test_rfc5802_sha1 (void)
{
  run_vector (JA_SCRAM_SHA_1, "fyko+d2lbbFgONRv9qkxdawL",
      "r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,"
      "i=4096",
      "c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,"
      "p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts=",
      "v=rmF9pqV8S7suAoZWja4dJRkFsKQ=");
}

/* RFC 7677 §3. */
static void
test_rfc7677_sha256 (void)
{
  run_vector (JA_SCRAM_SHA_256, "rOprNGfwEbeRWgbNEkqO",
      "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
      "s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096",
      "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
      "p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=",
      "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=");
}

static void
test_round_trip (void)
{
  round_trip (JA_SCRAM_SHA_1, "user", "pencil", "pencil", NULL, NULL, TRUE);
  round_trip (JA_SCRAM_SHA_256, "user", "pencil", "pencil", NULL, NULL,
      TRUE);
  round_trip (JA_SCRAM_SHA_512, "user", "pencil", "pencil", NULL, NULL,
      TRUE);
  round_trip (JA_SCRAM_SHA_512, "user", "pencil", "pencil", "tls-exporter",
      "0123456789abcdef0123456789abcdef", TRUE);
}

/* With a wrong password the server answers e=invalid-proof (§7). */
static void
test_wrong_password (void)
{
  round_trip (JA_SCRAM_SHA_512, "user", "pencil", "crayon", NULL, NULL,
      FALSE);
}

/* RFC 4013: U+00A0 maps to a space, U+00AD to nothing. */
static void
test_saslprep (void)
{
  round_trip (JA_SCRAM_SHA_256, "user", "pen\xc2\xa0\x63il", "pen cil",
      NULL, NULL, TRUE);
  round_trip (JA_SCRAM_SHA_256, "user", "pen\xc2\xad\x63il", "pencil",
      NULL, NULL, TRUE);
  /* NFKC: U+FB01 (fi ligature) becomes "fi". */
  round_trip (JA_SCRAM_SHA_256, "user", "\xef\xac\x81sh", "fish", NULL, NULL,
      TRUE);
  g_assert_null (ja_scram_new (JA_SCRAM_SHA_1, "user", "pen\x01", NULL,
      NULL, 0, FALSE, NULL));
  g_assert_null (ja_scram_new (JA_SCRAM_SHA_1, "user", "pen\x7f", NULL,
      NULL, 0, FALSE, NULL));
  g_assert_null (ja_scram_new (JA_SCRAM_SHA_1, "us\xc2\x85r", "pencil",
      NULL, NULL, 0, FALSE, NULL));
  g_assert_null (ja_scram_new (JA_SCRAM_SHA_1, "user", "\xff", NULL, NULL,
      0, FALSE, NULL));
  g_assert_null (ja_scram_new (JA_SCRAM_SHA_1, "", "pencil", NULL, NULL, 0,
      FALSE, NULL));
  g_assert_null (ja_scram_new (JA_SCRAM_SHA_1, "user", "", NULL, NULL, 0,
      FALSE, NULL));
  g_assert_null (ja_scram_new (JA_SCRAM_SHA_1, "user", "\xc2\xad", NULL,
      NULL, 0, FALSE, NULL));
}

/* RFC 5802 §5.1: ',' and '=' in the username. */
static void
test_username_escaping (void)
{
  g_autoptr (JaScram) scram = ja_scram_new (JA_SCRAM_SHA_1, "a,b=c,=", "pw",
      NULL, NULL, 0, FALSE, "abc");
  g_autofree char *first = ja_scram_client_first (scram);

  g_assert_cmpstr (first, ==, "n,,n=a=2Cb=3Dc=2C=3D,r=abc");
  round_trip (JA_SCRAM_SHA_1, "a,b=c", "pencil", "pencil", NULL, NULL, TRUE);
}

/* RFC 5802 §6/§7: the gs2 header and c= with channel binding. */
static void
test_channel_binding (void)
{
  static const guint8 cb[] = { 0x00, 0x01, 0xfe, 0xff };
  g_autoptr (JaScram) plus = ja_scram_new (JA_SCRAM_SHA_256, "user",
      "pencil", "tls-exporter", cb, sizeof cb, FALSE, "abc");
  g_autoptr (JaScram) y = ja_scram_new (JA_SCRAM_SHA_256, "user", "pencil",
      NULL, NULL, 0, TRUE, "abc");
  g_autoptr (GError) error = NULL;
  g_autofree char *first = ja_scram_client_first (plus);
  g_autofree char *y_first = ja_scram_client_first (y);
  g_autofree char *final = NULL;
  g_autofree char *y_final = NULL;
  g_autofree char *expected_c = NULL;
  const char *sf = "r=abcdef,s=QSXCR+Q6sek8bf92,i=4096";
  guint8 header_cb[sizeof "p=tls-exporter,," - 1 + sizeof cb];

  g_assert_cmpstr (ja_scram_get_mechanism (plus), ==, "SCRAM-SHA-256-PLUS");
  g_assert_cmpstr (ja_scram_get_mechanism (y), ==, "SCRAM-SHA-256");
  g_assert_cmpstr (first, ==, "p=tls-exporter,,n=user,r=abc");
  g_assert_cmpstr (y_first, ==, "y,,n=user,r=abc");

  memcpy (header_cb, "p=tls-exporter,,", sizeof "p=tls-exporter,," - 1);
  memcpy (header_cb + sizeof "p=tls-exporter,," - 1, cb, sizeof cb);
  expected_c = g_base64_encode (header_cb, sizeof header_cb);
  final = ja_scram_client_final (plus, sf, strlen (sf), &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (final, "c="));
  g_assert_true (g_str_has_prefix (final + 2, expected_c));
  g_assert_cmpint (final[2 + strlen (expected_c)], ==, ',');

  y_final = ja_scram_client_final (y, sf, strlen (sf), &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (y_final, "c=eSws,r=abcdef,p="));
}

static void
test_tampered_signature (void)
{
  static const char sf[] =
      "r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,"
      "i=4096";
  static const char *const bad_finals[] = {
    "v=rmF9pqV8S7suAoZWja4dJRkFsKA=",   /* one bit changed */
    "v=AAAAAAAAAAAAAAAAAAAAAAAAAAA=",   /* right length, wrong value */
    "v=AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQ==", /* 40 bytes */
    "v=cm1G",                           /* too short */
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad_finals); i++) {
    g_autoptr (JaScram) scram = new_started (JA_SCRAM_SHA_1,
        "fyko+d2lbbFgONRv9qkxdawL");
    g_autoptr (GError) error = NULL;
    g_autofree char *final = ja_scram_client_final (scram, sf,
        strlen (sf), &error);

    g_assert_no_error (error);
    g_assert_nonnull (final);
    g_assert_false (ja_scram_verify_server_final (scram, bad_finals[i],
        strlen (bad_finals[i]), &error));
    g_assert_error (error, JA_SCRAM_ERROR, JA_SCRAM_ERROR_BAD_SIGNATURE);
  }
}

static void
assert_first_fails (const char *server_first, gsize len, gint code)
{
  g_autoptr (JaScram) scram = new_started (JA_SCRAM_SHA_1, "abc");
  g_autoptr (GError) error = NULL;
  g_autofree char *final = NULL;

  final = ja_scram_client_final (scram, server_first, len, &error);
  if (final != NULL)
    g_error ("server-first \"%.*s\" accepted", (int) len, server_first);
  g_assert_error (error, JA_SCRAM_ERROR, code);

  /* A failed exchange stays failed. */
  g_clear_error (&error);
  g_assert_false (ja_scram_verify_server_final (scram, "v=AAAA", 6, &error));
  g_assert_error (error, JA_SCRAM_ERROR, JA_SCRAM_ERROR_STATE);
}

static void
test_bad_nonce (void)
{
  static const char *const cases[] = {
    "r=abd123,s=QSXCR+Q6sek8bf92,i=4096",
    "r=abc,s=QSXCR+Q6sek8bf92,i=4096",          /* not extended */
    "r=ab,s=QSXCR+Q6sek8bf92,i=4096",
    "r=xyzabc,s=QSXCR+Q6sek8bf92,i=4096",
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    assert_first_fails (cases[i], strlen (cases[i]),
        JA_SCRAM_ERROR_BAD_NONCE);
}

static void
test_iterations (void)
{
  static const char *const cases[] = {
    "r=abcd,s=QSXCR+Q6sek8bf92,i=4095",
    "r=abcd,s=QSXCR+Q6sek8bf92,i=1",
    "r=abcd,s=QSXCR+Q6sek8bf92,i=10000001",
    "r=abcd,s=QSXCR+Q6sek8bf92,i=4294967297",
    "r=abcd,s=QSXCR+Q6sek8bf92,i=99999999999999999999999999999999",
  };
  g_autoptr (JaScram) scram = new_started (JA_SCRAM_SHA_1, "abc");
  g_autoptr (JaScram) capped = new_started (JA_SCRAM_SHA_1, "abc");
  g_autoptr (GError) error = NULL;
  g_autofree char *final = NULL;
  g_autofree char *capped_final = NULL;
  const char *low = "r=abcd,s=QSXCR+Q6sek8bf92,i=2";

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    assert_first_fails (cases[i], strlen (cases[i]),
        JA_SCRAM_ERROR_BAD_ITERATIONS);

  /* Tests may lower the floor. */
  ja_scram_set_min_iterations (scram, 2);
  final = ja_scram_client_final (scram, low, strlen (low), &error);
  g_assert_no_error (error);
  g_assert_nonnull (final);

  /* And lower the ceiling. */
  ja_scram_set_max_iterations (capped, 1000);
  capped_final = ja_scram_client_final (capped, cases[0], strlen (cases[0]),
      &error);
  g_assert_null (capped_final);
  g_assert_error (error, JA_SCRAM_ERROR, JA_SCRAM_ERROR_BAD_ITERATIONS);
}

static void
test_malformed_first (void)
{
  g_autofree char *pad = g_strnfill (600, 'x');
  g_autofree char *nonce_600 = g_strdup_printf ("r=abc%s,s=QSXC,i=4096",
      pad);
  g_autofree char *salt_bytes = g_strnfill (513, 's');
  g_autofree char *salt_b64 = g_base64_encode ((const guint8 *) salt_bytes,
      513);
  g_autofree char *salt_513 = g_strdup_printf ("r=abcd,s=%s,i=4096",
      salt_b64);
  g_autofree char *big = g_strnfill (4096, 'x');
  g_autofree char *huge_ext = g_strdup_printf ("r=abcd,s=QSXC,i=4096,x=%s",
      big);
  static const char *const cases[] = {
    "",
    "r=",
    "r",
    "=abcd",
    "r=abcd",
    "r=abcd,s=QSXCR+Q6sek8bf92",
    "r=abcd,i=4096",
    "s=QSXCR+Q6sek8bf92,r=abcd,i=4096",           /* reordered */
    "r=abcd,i=4096,s=QSXCR+Q6sek8bf92",
    "r=abcd,r=abcd,s=QSXCR+Q6sek8bf92,i=4096",    /* duplicated */
    "r=abcd,s=QSXCR+Q6sek8bf92,s=QSXCR+Q6sek8bf92,i=4096",
    "r=abcd,s=QSXCR+Q6sek8bf92,i=4096,r=abcd",
    "r=abcd,s=QSXCR+Q6sek8bf92,i=4096,i=4096",
    "r=abcd,s=QSXCR+Q6sek8bf92,i=4096,m=x",
    "m=ext,r=abcd,s=QSXCR+Q6sek8bf92,i=4096",     /* mandatory extension */
    "r=abcd,s=QSXCR+Q6sek8bf92,i=0",
    "r=abcd,s=QSXCR+Q6sek8bf92,i=04096",
    "r=abcd,s=QSXCR+Q6sek8bf92,i=4096a",
    "r=abcd,s=QSXCR+Q6sek8bf92,i=-4096",
    "r=abcd,s=QSXCR+Q6sek8bf92,i= 4096",
    "r=abcd,s=QSXCR+Q6sek8bf9,i=4096",            /* base64 length */
    "r=abcd,s=QSX*R+Q6sek8bf92,i=4096",           /* base64 alphabet */
    "r=abcd,s=QSXCR+Q6sek8bf=2,i=4096",           /* inner padding */
    "r=abcd,s=====,i=4096",
    "r=abcd,s=,i=4096",
    "r=ab cd,s=QSXCR+Q6sek8bf92,i=4096",          /* nonce not printable */
    "r=abcd,s=QSXCR+Q6sek8bf92,i=4096,",          /* trailing comma */
    "r=abcd,,s=QSXCR+Q6sek8bf92,i=4096",
    "r=abcd,s=QSXCR+Q6sek8bf92,i=4096,x=",
    "r=abcd,s=QSXCR+Q6sek8bf92,i=4096,1=x",
    "r=abc\xff,s=QSXCR+Q6sek8bf92,i=4096",        /* not UTF-8 */
  };
  static const char with_nul[] = "r=abcd,s=QSXCR+Q6sek8bf92,i=4096\0,x=y";

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    assert_first_fails (cases[i], strlen (cases[i]),
        JA_SCRAM_ERROR_MALFORMED);
  assert_first_fails (nonce_600, strlen (nonce_600),
      JA_SCRAM_ERROR_MALFORMED);
  assert_first_fails (salt_513, strlen (salt_513), JA_SCRAM_ERROR_MALFORMED);
  assert_first_fails (huge_ext, strlen (huge_ext), JA_SCRAM_ERROR_MALFORMED);
  assert_first_fails (with_nul, sizeof with_nul - 1,
      JA_SCRAM_ERROR_MALFORMED);
}

/* Optional extensions after i= are allowed (RFC 5802 §7). */
static void
test_extensions_accepted (void)
{
  static const char sf[] = "r=abcd,s=QSXCR+Q6sek8bf92,i=4096,x=y=z,q=1";
  g_autoptr (JaScram) scram = new_started (JA_SCRAM_SHA_1, "abc");
  g_autoptr (GError) error = NULL;
  g_autofree char *final = ja_scram_client_final (scram, sf, strlen (sf),
      &error);

  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (final, "c=biws,r=abcd,p="));
}

static void
assert_final_fails (const char *server_final, gsize len, gint code)
{
  static const char sf[] = "r=abcd,s=QSXCR+Q6sek8bf92,i=4096";
  g_autoptr (JaScram) scram = new_started (JA_SCRAM_SHA_1, "abc");
  g_autoptr (GError) error = NULL;
  g_autofree char *final = ja_scram_client_final (scram, sf, strlen (sf),
      &error);

  g_assert_no_error (error);
  g_assert_nonnull (final);
  if (ja_scram_verify_server_final (scram, server_final, len, &error))
    g_error ("server-final \"%.*s\" accepted", (int) len, server_final);
  g_assert_error (error, JA_SCRAM_ERROR, code);
}

static void
test_server_error (void)
{
  g_autoptr (JaScram) scram = new_started (JA_SCRAM_SHA_1,
      "fyko+d2lbbFgONRv9qkxdawL");
  g_autoptr (GError) error = NULL;
  static const char sf[] =
      "r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,"
      "i=4096";
  g_autofree char *final = ja_scram_client_final (scram, sf, strlen (sf),
      &error);

  g_assert_no_error (error);
  g_assert_nonnull (final);
  g_assert_false (ja_scram_verify_server_final (scram, "e=invalid-proof",
      15, &error));
  g_assert_error (error, JA_SCRAM_ERROR, JA_SCRAM_ERROR_SERVER_REJECTED);
  g_assert_nonnull (strstr (error->message, "invalid-proof"));

  assert_final_fails ("e=other-error,x=1", 17,
      JA_SCRAM_ERROR_SERVER_REJECTED);
  assert_final_fails ("e=\x01\x02", 4, JA_SCRAM_ERROR_SERVER_REJECTED);
}

static void
test_malformed_final (void)
{
  static const char *const cases[] = {
    "", "v", "v=", "=", "x=abcd", "v=!!!!", "v=cm1G,", "v=cm1G,v=cm1G",
    "v=cm1G,e=x", "e=", "r=abcd", "v=cm1", "v=cm=G", "V=cm1G",
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    assert_final_fails (cases[i], strlen (cases[i]),
        JA_SCRAM_ERROR_MALFORMED);
  }
  assert_final_fails ("v=cm1G\0", 7, JA_SCRAM_ERROR_MALFORMED);
}

static void
test_state (void)
{
  g_autoptr (JaScram) scram = ja_scram_new (JA_SCRAM_SHA_1, "user",
      "pencil", NULL, NULL, 0, FALSE, "abc");
  g_autoptr (JaScram) early = ja_scram_new (JA_SCRAM_SHA_1, "user",
      "pencil", NULL, NULL, 0, FALSE, "abc");
  g_autoptr (GError) error = NULL;
  const char *sf = "r=abcd,s=QSXCR+Q6sek8bf92,i=4096";
  g_autofree char *final = NULL;
  g_autofree char *first = NULL;

  final = ja_scram_client_final (scram, sf, strlen (sf), &error);
  g_assert_null (final);
  g_assert_error (error, JA_SCRAM_ERROR, JA_SCRAM_ERROR_STATE);
  g_clear_error (&error);

  first = ja_scram_client_first (early);
  g_assert_false (ja_scram_verify_server_final (early, "v=AAAA", 6, &error));
  g_assert_error (error, JA_SCRAM_ERROR, JA_SCRAM_ERROR_STATE);
}

static void
test_random_nonce (void)
{
  g_autoptr (JaScram) a = ja_scram_new (JA_SCRAM_SHA_256, "user", "pencil",
      NULL, NULL, 0, FALSE, NULL);
  g_autoptr (JaScram) b = ja_scram_new (JA_SCRAM_SHA_256, "user", "pencil",
      NULL, NULL, 0, FALSE, NULL);
  g_autofree char *fa = ja_scram_client_first (a);
  g_autofree char *fb = ja_scram_client_first (b);

  g_assert_true (g_str_has_prefix (fa, "n,,n=user,r="));
  /* 24 random bytes in base64. */
  g_assert_cmpuint (strlen (fa), ==, strlen ("n,,n=user,r=") + 32);
  g_assert_cmpstr (fa, !=, fb);
}

static void
test_mechanism_parse (void)
{
  static const struct {
    const char *name;
    gboolean ok;
    JaScramHash hash;
    gboolean plus;
  } cases[] = {
    { "SCRAM-SHA-1", TRUE, JA_SCRAM_SHA_1, FALSE },
    { "SCRAM-SHA-1-PLUS", TRUE, JA_SCRAM_SHA_1, TRUE },
    { "SCRAM-SHA-256", TRUE, JA_SCRAM_SHA_256, FALSE },
    { "SCRAM-SHA-256-PLUS", TRUE, JA_SCRAM_SHA_256, TRUE },
    { "SCRAM-SHA-512", TRUE, JA_SCRAM_SHA_512, FALSE },
    { "SCRAM-SHA-512-PLUS", TRUE, JA_SCRAM_SHA_512, TRUE },
    { "SCRAM-SHA-2", FALSE, 0, FALSE },
    { "SCRAM-SHA-1-PLUSX", FALSE, 0, FALSE },
    { "SCRAM-SHA-256X", FALSE, 0, FALSE },
    { "scram-sha-1", FALSE, 0, FALSE },
    { "PLAIN", FALSE, 0, FALSE },
    { "", FALSE, 0, FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    JaScramHash hash = 99;
    gboolean plus = 99;

    g_assert_cmpint (ja_scram_mechanism_parse (cases[i].name, &hash, &plus),
        ==, cases[i].ok);
    if (cases[i].ok) {
      g_assert_cmpint (hash, ==, cases[i].hash);
      g_assert_cmpint (plus, ==, cases[i].plus);
    }
  }
  g_assert_true (ja_scram_mechanism_parse ("SCRAM-SHA-1", NULL, NULL));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/xmpp/sasl-scram/rfc5802-sha1", test_rfc5802_sha1);
  g_test_add_func ("/xmpp/sasl-scram/rfc7677-sha256", test_rfc7677_sha256);
  g_test_add_func ("/xmpp/sasl-scram/round-trip", test_round_trip);
  g_test_add_func ("/xmpp/sasl-scram/wrong-password", test_wrong_password);
  g_test_add_func ("/xmpp/sasl-scram/saslprep", test_saslprep);
  g_test_add_func ("/xmpp/sasl-scram/username-escaping",
      test_username_escaping);
  g_test_add_func ("/xmpp/sasl-scram/channel-binding", test_channel_binding);
  g_test_add_func ("/xmpp/sasl-scram/tampered-signature",
      test_tampered_signature);
  g_test_add_func ("/xmpp/sasl-scram/bad-nonce", test_bad_nonce);
  g_test_add_func ("/xmpp/sasl-scram/iterations", test_iterations);
  g_test_add_func ("/xmpp/sasl-scram/malformed-first", test_malformed_first);
  g_test_add_func ("/xmpp/sasl-scram/extensions", test_extensions_accepted);
  g_test_add_func ("/xmpp/sasl-scram/server-error", test_server_error);
  g_test_add_func ("/xmpp/sasl-scram/malformed-final", test_malformed_final);
  g_test_add_func ("/xmpp/sasl-scram/state", test_state);
  g_test_add_func ("/xmpp/sasl-scram/random-nonce", test_random_nonce);
  g_test_add_func ("/xmpp/sasl-scram/mechanism-parse", test_mechanism_parse);

  return g_test_run ();
}
