/* sasl-scram.c — the client side of SCRAM (RFC 5802 §3, §5, §7; RFC 7677
 * for SHA-256; SHA-512 likewise) with channel binding (RFC 5802 §6). Pure:
 * strings in, strings out. Every server message is bounded and parsed
 * against the §7 grammar before any crypto runs. A JaScram owns its
 * credentials and derived keys and wipes them (gnutls_memset) on free. */

#include "signalling/xmpp/sasl-scram.h"

#include <string.h>

#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <nettle/memops.h>

#define SCRAM_MAX_MESSAGE 4096
#define SCRAM_MAX_NONCE 512
#define SCRAM_MAX_SALT 512 /* decoded bytes */
#define SCRAM_DEFAULT_MIN_ITERATIONS 4096
#define SCRAM_MAX_ITERATIONS 10000000
#define SCRAM_NONCE_BYTES 24
#define SCRAM_MAX_DIGEST 64

G_DEFINE_QUARK (ja-scram-error-quark, ja_scram_error)

typedef enum {
  SCRAM_STATE_INITIAL,
  SCRAM_STATE_FIRST_SENT,
  SCRAM_STATE_FINAL_SENT,
  SCRAM_STATE_DONE,
  SCRAM_STATE_FAILED,
} ScramState;

static const char *const state_names[] = {
  [SCRAM_STATE_INITIAL] = "initial",
  [SCRAM_STATE_FIRST_SENT] = "first-sent",
  [SCRAM_STATE_FINAL_SENT] = "final-sent",
  [SCRAM_STATE_DONE] = "done",
  [SCRAM_STATE_FAILED] = "failed",
};

typedef struct {
  const char *name;
  gnutls_mac_algorithm_t mac;
  gnutls_digest_algorithm_t digest;
  gsize len;
} HashInfo;

static const HashInfo hashes[] = {
  [JA_SCRAM_SHA_1] = { "SCRAM-SHA-1", GNUTLS_MAC_SHA1, GNUTLS_DIG_SHA1, 20 },
  [JA_SCRAM_SHA_256] = { "SCRAM-SHA-256", GNUTLS_MAC_SHA256,
      GNUTLS_DIG_SHA256, 32 },
  [JA_SCRAM_SHA_512] = { "SCRAM-SHA-512", GNUTLS_MAC_SHA512,
      GNUTLS_DIG_SHA512, 64 },
};

struct _JaScram {
  const HashInfo *hash;
  ScramState state;
  guint min_iterations;
  guint max_iterations;
  char *mechanism;
  char *saslname;          /* prepared and escaped username */
  char *password;          /* prepared; secret */
  char *gs2_header;        /* "n,,", "y,," or "p=<cb-name>,," */
  GBytes *cb_data;         /* NULL without -PLUS */
  char *nonce;             /* ours */
  char *client_first_bare;
  guint8 server_signature[SCRAM_MAX_DIGEST]; /* expected v=; secret */
};

static void
set_state (JaScram *scram, ScramState state)
{
  if (scram->state == state)
    return;
  g_debug ("%s: %s -> %s", scram->mechanism, state_names[scram->state],
      state_names[state]);
  scram->state = state;
}

static void
free_secret (char *s)
{
  if (s == NULL)
    return;
  gnutls_memset (s, 0, strlen (s));
  g_free (s);
}

/* RFC 4013 C.2.1/C.2.2 (controls) are prohibited output. */
static gboolean
is_control (gunichar c)
{
  return c < 0x20 || (c >= 0x7f && c <= 0x9f);
}

/* RFC 4013 B.1: "commonly mapped to nothing". */
static gboolean
maps_to_nothing (gunichar c)
{
  return c == 0x00ad || c == 0x034f || c == 0x1806
      || (c >= 0x180b && c <= 0x180d) || (c >= 0x200b && c <= 0x200d)
      || c == 0x2060 || (c >= 0xfe00 && c <= 0xfe0f) || c == 0xfeff;
}

/* A minimal SASLprep (RFC 4013 §2): non-ASCII spaces become U+0020, the B.1
 * characters vanish, controls are refused, and non-ASCII text is NFKC
 * normalised. NULL when refused or empty. The result may be a password, so
 * the intermediate buffer is wiped; it is sized so that it never grows. */
static char *
saslprep (const char *in)
{
  gsize len = strlen (in);
  GString *buf;
  gboolean ascii = TRUE;
  char *prepped = NULL;
  const char *p;

  if (len == 0 || !g_utf8_validate_len (in, len, NULL))
    return NULL;

  buf = g_string_sized_new (len + 1);
  for (p = in; *p != '\0'; p = g_utf8_next_char (p)) {
    gunichar c = g_utf8_get_char (p);

    if (is_control (c))
      goto out;
    if (maps_to_nothing (c))
      continue;
    if (c >= 0x80 && g_unichar_type (c) == G_UNICODE_SPACE_SEPARATOR)
      c = ' ';
    if (c >= 0x80)
      ascii = FALSE;
    g_string_append_unichar (buf, c);
  }

  if (ascii)
    prepped = g_strndup (buf->str, buf->len);
  else
    prepped = g_utf8_normalize (buf->str, buf->len, G_NORMALIZE_NFKC);
  if (prepped != NULL && prepped[0] == '\0')
    g_clear_pointer (&prepped, g_free);

out:
  gnutls_memset (buf->str, 0, buf->allocated_len);
  g_string_free (buf, TRUE);
  return prepped;
}

/* RFC 5802 §5.1: ',' and '=' in the username become =2C and =3D. */
static char *
escape_saslname (const char *name)
{
  GString *out = g_string_sized_new (strlen (name) + 1);

  for (; *name != '\0'; name++) {
    if (*name == ',')
      g_string_append (out, "=2C");
    else if (*name == '=')
      g_string_append (out, "=3D");
    else
      g_string_append_c (out, *name);
  }
  return g_string_free (out, FALSE);
}

/* RFC 5802 §7: printable = %x21-2B / %x2D-7E (no ','). */
static gboolean
is_printable (const char *p, gsize len)
{
  for (gsize i = 0; i < len; i++) {
    if (p[i] < 0x21 || p[i] > 0x7e || p[i] == ',')
      return FALSE;
  }
  return TRUE;
}

/* RFC 5802 §7: cb-name = 1*(ALPHA / DIGIT / "." / "-"). */
static gboolean
is_cb_name (const char *name)
{
  if (name[0] == '\0')
    return FALSE;
  for (; *name != '\0'; name++) {
    if (!g_ascii_isalnum (*name) && *name != '.' && *name != '-')
      return FALSE;
  }
  return TRUE;
}

JaScram *
ja_scram_new (JaScramHash hash, const char *username, const char *password,
    const char *cb_name, const guint8 *cb_data, gsize cb_len,
    gboolean client_supports_cb_only, const char *nonce)
{
  g_autoptr (JaScram) scram = NULL;
  g_autofree char *user = NULL;

  g_return_val_if_fail (hash <= JA_SCRAM_SHA_512, NULL);
  g_return_val_if_fail (username != NULL && password != NULL, NULL);
  g_return_val_if_fail (cb_name == NULL || is_cb_name (cb_name), NULL);
  g_return_val_if_fail (cb_name == NULL || (cb_data != NULL && cb_len > 0),
      NULL);
  g_return_val_if_fail (nonce == NULL
      || (nonce[0] != '\0' && strlen (nonce) <= SCRAM_MAX_NONCE / 2
          && is_printable (nonce, strlen (nonce))), NULL);

  scram = g_new0 (JaScram, 1);
  scram->hash = &hashes[hash];
  scram->min_iterations = SCRAM_DEFAULT_MIN_ITERATIONS;
  scram->max_iterations = SCRAM_MAX_ITERATIONS;
  scram->mechanism = g_strconcat (scram->hash->name,
      cb_name != NULL ? "-PLUS" : "", NULL);

  user = saslprep (username);
  scram->password = saslprep (password);
  if (user == NULL || scram->password == NULL)
    return NULL;
  scram->saslname = escape_saslname (user);

  /* RFC 5802 §6 and §7 (gs2-cbind-flag); we never send an authzid. */
  if (cb_name != NULL) {
    scram->gs2_header = g_strdup_printf ("p=%s,,", cb_name);
    scram->cb_data = g_bytes_new (cb_data, cb_len);
  } else {
    scram->gs2_header = g_strdup (client_supports_cb_only ? "y,," : "n,,");
  }

  if (nonce != NULL) {
    scram->nonce = g_strdup (nonce);
  } else {
    guint8 raw[SCRAM_NONCE_BYTES];

    if (gnutls_rnd (GNUTLS_RND_NONCE, raw, sizeof raw) < 0)
      return NULL;
    scram->nonce = g_base64_encode (raw, sizeof raw);
  }

  return g_steal_pointer (&scram);
}

void
ja_scram_free (JaScram *scram)
{
  if (scram == NULL)
    return;
  free_secret (scram->password);
  gnutls_memset (scram->server_signature, 0, sizeof scram->server_signature);
  g_free (scram->mechanism);
  g_free (scram->saslname);
  g_free (scram->gs2_header);
  g_clear_pointer (&scram->cb_data, g_bytes_unref);
  g_free (scram->nonce);
  g_free (scram->client_first_bare);
  g_free (scram);
}

void
ja_scram_set_min_iterations (JaScram *scram, guint min)
{
  g_return_if_fail (scram != NULL);

  scram->min_iterations = MAX (min, 1);
}

void
ja_scram_set_max_iterations (JaScram *scram, guint max)
{
  g_return_if_fail (scram != NULL);

  scram->max_iterations = CLAMP (max, 1, SCRAM_MAX_ITERATIONS);
}

const char *
ja_scram_get_mechanism (const JaScram *scram)
{
  g_return_val_if_fail (scram != NULL, NULL);

  return scram->mechanism;
}

char *
ja_scram_client_first (JaScram *scram)
{
  g_return_val_if_fail (scram != NULL, NULL);
  g_return_val_if_fail (scram->state == SCRAM_STATE_INITIAL, NULL);

  scram->client_first_bare = g_strdup_printf ("n=%s,r=%s", scram->saslname,
      scram->nonce);
  set_state (scram, SCRAM_STATE_FIRST_SENT);
  return g_strconcat (scram->gs2_header, scram->client_first_bare, NULL);
}

/* ---- parsing server messages ---- */

typedef struct {
  const char *p;
  const char *end;
} Cursor;

typedef struct {
  char key;
  const char *value;
  gsize len;
} Attr;

static gboolean
fail (JaScram *scram, GError **error, JaScramError code, const char *message)
{
  g_set_error_literal (error, JA_SCRAM_ERROR, code, message);
  set_state (scram, SCRAM_STATE_FAILED);
  return FALSE;
}

/* One attr-val (RFC 5802 §7: ALPHA "=" 1*value-char) and its separator.
 * FALSE at the end of the message or when it does not parse (*bad set). */
static gboolean
next_attr (Cursor *c, Attr *attr, gboolean *bad)
{
  const char *comma;

  *bad = FALSE;
  if (c->p == NULL)
    return FALSE;
  if (c->end - c->p < 3 || !g_ascii_isalpha (c->p[0]) || c->p[1] != '=') {
    *bad = TRUE;
    return FALSE;
  }
  attr->key = c->p[0];
  attr->value = c->p + 2;
  comma = memchr (attr->value, ',', c->end - attr->value);
  attr->len = (comma != NULL ? comma : c->end) - attr->value;
  if (attr->len == 0) {
    *bad = TRUE;
    return FALSE;
  }
  c->p = comma != NULL ? comma + 1 : NULL;
  return TRUE;
}

/* Optional extensions after the mandatory attributes: any attr-val whose
 * key is not one the grammar already placed (so no duplicates). */
static gboolean
skip_extensions (Cursor *c, const char *reserved)
{
  Attr attr;
  gboolean bad;

  while (next_attr (c, &attr, &bad)) {
    if (strchr (reserved, attr.key) != NULL)
      return FALSE;
  }
  return !bad;
}

static gboolean
check_message (JaScram *scram, const char *msg, gsize len, GError **error)
{
  if (msg == NULL || len == 0 || len > SCRAM_MAX_MESSAGE)
    return fail (scram, error, JA_SCRAM_ERROR_MALFORMED,
        "SCRAM message is empty or too long");
  if (memchr (msg, '\0', len) != NULL || !g_utf8_validate_len (msg, len, NULL))
    return fail (scram, error, JA_SCRAM_ERROR_MALFORMED,
        "SCRAM message is not UTF-8 text");
  return TRUE;
}

/* Strict base64 (RFC 4648 §4, padded, no whitespace) of 1..max bytes.
 * (transfer full) */
static guint8 *
decode_base64 (const char *p, gsize len, gsize max, gsize *out_len)
{
  g_autofree char *text = NULL;
  guint8 *out;

  if (len == 0 || len % 4 != 0 || len / 4 * 3 > max + 2)
    return NULL;
  for (gsize i = 0; i < len; i++) {
    if (g_ascii_isalnum (p[i]) || p[i] == '+' || p[i] == '/')
      continue;
    if (p[i] == '=' && (i == len - 1 || (i == len - 2 && p[len - 1] == '=')))
      continue;
    return NULL;
  }
  text = g_strndup (p, len);
  out = g_base64_decode (text, out_len);
  if (*out_len == 0 || *out_len > max) {
    g_free (out);
    return NULL;
  }
  return out;
}

/* RFC 5802 §7: posit-number = %x31-39 *DIGIT. */
static gboolean
parse_iterations (JaScram *scram, const Attr *attr, guint *out,
    GError **error)
{
  guint64 n = 0;

  if (attr->value[0] < '1' || attr->value[0] > '9')
    return fail (scram, error, JA_SCRAM_ERROR_MALFORMED,
        "SCRAM iteration count is not a positive number");
  for (gsize i = 0; i < attr->len; i++) {
    if (!g_ascii_isdigit (attr->value[i]))
      return fail (scram, error, JA_SCRAM_ERROR_MALFORMED,
          "SCRAM iteration count is not a positive number");
    if (n <= SCRAM_MAX_ITERATIONS)
      n = n * 10 + (guint) (attr->value[i] - '0');
  }
  if (n < scram->min_iterations || n > scram->max_iterations) {
    g_set_error (error, JA_SCRAM_ERROR, JA_SCRAM_ERROR_BAD_ITERATIONS,
        "SCRAM iteration count outside [%u, %u]", scram->min_iterations,
        scram->max_iterations);
    set_state (scram, SCRAM_STATE_FAILED);
    return FALSE;
  }
  *out = (guint) n;
  return TRUE;
}

typedef struct {
  const char *nonce;
  gsize nonce_len;
  guint8 *salt;
  gsize salt_len;
  guint iterations;
} ServerFirst;

/* RFC 5802 §7: server-first-message = [reserved-mext ","] nonce "," salt ","
 * iteration-count ["," extensions]. */
static gboolean
parse_server_first (JaScram *scram, const char *msg, gsize len,
    ServerFirst *sf, GError **error)
{
  Cursor c = { msg, msg + len };
  Attr r, s, i;
  gboolean bad;
  gsize ours = strlen (scram->nonce);

  if (!check_message (scram, msg, len, error))
    return FALSE;
  if (len >= 2 && msg[0] == 'm' && msg[1] == '=')
    return fail (scram, error, JA_SCRAM_ERROR_MALFORMED,
        "SCRAM server requires an unsupported mandatory extension");
  if (!next_attr (&c, &r, &bad) || r.key != 'r'
      || !next_attr (&c, &s, &bad) || s.key != 's'
      || !next_attr (&c, &i, &bad) || i.key != 'i'
      || !skip_extensions (&c, "mrsi"))
    return fail (scram, error, JA_SCRAM_ERROR_MALFORMED,
        "SCRAM server-first-message does not parse");

  if (r.len > SCRAM_MAX_NONCE || !is_printable (r.value, r.len))
    return fail (scram, error, JA_SCRAM_ERROR_MALFORMED,
        "SCRAM server nonce is invalid or too long");
  /* §5.1: the server appends its part; it must not be empty. */
  if (r.len <= ours || memcmp (r.value, scram->nonce, ours) != 0)
    return fail (scram, error, JA_SCRAM_ERROR_BAD_NONCE,
        "SCRAM server nonce does not extend the client nonce");

  sf->salt = decode_base64 (s.value, s.len, SCRAM_MAX_SALT, &sf->salt_len);
  if (sf->salt == NULL)
    return fail (scram, error, JA_SCRAM_ERROR_MALFORMED,
        "SCRAM salt is not valid base64 or too long");

  if (!parse_iterations (scram, &i, &sf->iterations, error))
    return FALSE;

  sf->nonce = r.value;
  sf->nonce_len = r.len;
  return TRUE;
}

/* ---- crypto (RFC 5802 §3) ---- */

typedef struct {
  guint8 salted[SCRAM_MAX_DIGEST];
  guint8 client_key[SCRAM_MAX_DIGEST];
  guint8 stored_key[SCRAM_MAX_DIGEST];
  guint8 client_signature[SCRAM_MAX_DIGEST];
  guint8 server_key[SCRAM_MAX_DIGEST];
  guint8 proof[SCRAM_MAX_DIGEST];
} Keys;

static gboolean
derive (JaScram *scram, const ServerFirst *sf, const GString *auth,
    Keys *k, GError **error)
{
  const HashInfo *h = scram->hash;
  gnutls_datum_t pw = { (unsigned char *) scram->password,
    (unsigned) strlen (scram->password) };
  gnutls_datum_t salt = { sf->salt, (unsigned) sf->salt_len };
  int ret;

  /* SaltedPassword := Hi (Normalize (password), salt, i) = PBKDF2 */
  ret = gnutls_pbkdf2 (h->mac, &pw, &salt, sf->iterations, k->salted, h->len);
  if (ret >= 0)
    ret = gnutls_hmac_fast (h->mac, k->salted, h->len, "Client Key", 10,
        k->client_key);
  if (ret >= 0)
    ret = gnutls_hash_fast (h->digest, k->client_key, h->len, k->stored_key);
  if (ret >= 0)
    ret = gnutls_hmac_fast (h->mac, k->stored_key, h->len, auth->str,
        auth->len, k->client_signature);
  if (ret >= 0)
    ret = gnutls_hmac_fast (h->mac, k->salted, h->len, "Server Key", 10,
        k->server_key);
  if (ret >= 0)
    ret = gnutls_hmac_fast (h->mac, k->server_key, h->len, auth->str,
        auth->len, scram->server_signature);
  if (ret < 0) {
    g_set_error (error, JA_SCRAM_ERROR, JA_SCRAM_ERROR_MALFORMED,
        "SCRAM key derivation failed: %s", gnutls_strerror (ret));
    set_state (scram, SCRAM_STATE_FAILED);
    return FALSE;
  }
  for (gsize n = 0; n < h->len; n++)
    k->proof[n] = k->client_key[n] ^ k->client_signature[n];
  return TRUE;
}

/* c= is base64 (gs2-header [cbind-data]) (RFC 5802 §7). (transfer full) */
static char *
channel_binding (JaScram *scram)
{
  g_autoptr (GByteArray) input = g_byte_array_new ();

  g_byte_array_append (input, (const guint8 *) scram->gs2_header,
      strlen (scram->gs2_header));
  if (scram->cb_data != NULL) {
    gsize len;
    const guint8 *data = g_bytes_get_data (scram->cb_data, &len);

    g_byte_array_append (input, data, len);
  }
  return g_base64_encode (input->data, input->len);
}

char *
ja_scram_client_final (JaScram *scram, const char *server_first, gsize len,
    GError **error)
{
  ServerFirst sf = { 0 };
  Keys keys;
  g_autofree char *cbind = NULL;
  g_autofree char *proof = NULL;
  g_autoptr (GString) without_proof = NULL;
  g_autoptr (GString) auth = NULL;
  gboolean ok;

  g_return_val_if_fail (scram != NULL, NULL);

  if (scram->state != SCRAM_STATE_FIRST_SENT) {
    fail (scram, error, JA_SCRAM_ERROR_STATE,
        "SCRAM server-first-message out of order");
    return NULL;
  }
  if (!parse_server_first (scram, server_first, len, &sf, error)) {
    g_free (sf.salt);
    return NULL;
  }

  cbind = channel_binding (scram);
  without_proof = g_string_new ("c=");
  g_string_append (without_proof, cbind);
  g_string_append (without_proof, ",r=");
  g_string_append_len (without_proof, sf.nonce, sf.nonce_len);

  /* AuthMessage := client-first-message-bare + "," + server-first-message
   *                + "," + client-final-message-without-proof */
  auth = g_string_new (scram->client_first_bare);
  g_string_append_c (auth, ',');
  g_string_append_len (auth, server_first, len);
  g_string_append_c (auth, ',');
  g_string_append_len (auth, without_proof->str, without_proof->len);

  ok = derive (scram, &sf, auth, &keys, error);
  if (ok)
    proof = g_base64_encode (keys.proof, scram->hash->len);
  gnutls_memset (&keys, 0, sizeof keys);
  g_free (sf.salt);
  if (!ok)
    return NULL;

  g_string_append (without_proof, ",p=");
  g_string_append (without_proof, proof);
  set_state (scram, SCRAM_STATE_FINAL_SENT);
  return g_string_free (g_steal_pointer (&without_proof), FALSE);
}

/* e= values are peer text: keep a short printable excerpt for the error. */
static char *
sanitise (const char *p, gsize len)
{
  char *out = g_strndup (p, MIN (len, 64));

  for (char *q = out; *q != '\0'; q++) {
    if (*q < 0x20 || *q > 0x7e)
      *q = '?';
  }
  return out;
}

/* RFC 5802 §7: server-final-message = (server-error / verifier)
 * ["," extensions]. */
gboolean
ja_scram_verify_server_final (JaScram *scram, const char *server_final,
    gsize len, GError **error)
{
  Cursor c = { server_final, server_final + len };
  Attr first;
  gboolean bad;
  g_autofree guint8 *v = NULL;
  gsize v_len = 0;
  gboolean match;

  g_return_val_if_fail (scram != NULL, FALSE);

  if (scram->state != SCRAM_STATE_FINAL_SENT)
    return fail (scram, error, JA_SCRAM_ERROR_STATE,
        "SCRAM server-final-message out of order");
  if (!check_message (scram, server_final, len, error))
    return FALSE;
  if (!next_attr (&c, &first, &bad)
      || (first.key != 'e' && first.key != 'v')
      || !skip_extensions (&c, "ev"))
    return fail (scram, error, JA_SCRAM_ERROR_MALFORMED,
        "SCRAM server-final-message does not parse");

  if (first.key == 'e') {
    g_autofree char *reason = sanitise (first.value, first.len);

    g_set_error (error, JA_SCRAM_ERROR, JA_SCRAM_ERROR_SERVER_REJECTED,
        "SCRAM authentication rejected by the server: %s", reason);
    set_state (scram, SCRAM_STATE_FAILED);
    return FALSE;
  }

  v = decode_base64 (first.value, first.len, SCRAM_MAX_DIGEST, &v_len);
  match = v != NULL && v_len == scram->hash->len
      && memeql_sec (v, scram->server_signature, v_len);
  gnutls_memset (scram->server_signature, 0, sizeof scram->server_signature);
  if (v == NULL)
    return fail (scram, error, JA_SCRAM_ERROR_MALFORMED,
        "SCRAM server signature is not valid base64");
  if (!match)
    return fail (scram, error, JA_SCRAM_ERROR_BAD_SIGNATURE,
        "SCRAM server signature does not verify");

  set_state (scram, SCRAM_STATE_DONE);
  return TRUE;
}

gboolean
ja_scram_mechanism_parse (const char *mechanism, JaScramHash *hash,
    gboolean *plus)
{
  g_return_val_if_fail (mechanism != NULL, FALSE);

  for (guint i = 0; i < G_N_ELEMENTS (hashes); i++) {
    gsize n = strlen (hashes[i].name);

    if (strncmp (mechanism, hashes[i].name, n) != 0)
      continue;
    if (mechanism[n] != '\0' && strcmp (mechanism + n, "-PLUS") != 0)
      continue;
    if (hash != NULL)
      *hash = (JaScramHash) i;
    if (plus != NULL)
      *plus = mechanism[n] != '\0';
    return TRUE;
  }
  return FALSE;
}
