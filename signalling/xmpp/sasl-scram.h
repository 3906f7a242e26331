/* sasl-scram.h — the client side of SCRAM (RFC 5802, RFC 7677, and
 * SHA-512 per draft-melnikov-scram-sha-512) with channel binding (-PLUS).
 * Pure: no I/O; the caller moves the messages (base64 is the caller's job).
 * Every message from the server is parsed with bounds and checked: nonce
 * prefix, iteration count (at least 4096 unless allowed lower for tests,
 * at most 10,000,000), salt, and the server signature. Secrets are wiped on
 * free. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  JA_SCRAM_SHA_1,
  JA_SCRAM_SHA_256,
  JA_SCRAM_SHA_512,
} JaScramHash;

#define JA_SCRAM_ERROR (ja_scram_error_quark ())
GQuark ja_scram_error_quark (void);

typedef enum {
  JA_SCRAM_ERROR_MALFORMED,        /* the server's message does not parse */
  JA_SCRAM_ERROR_BAD_NONCE,        /* server nonce does not extend ours */
  JA_SCRAM_ERROR_BAD_ITERATIONS,   /* out of bounds */
  JA_SCRAM_ERROR_SERVER_REJECTED,  /* server-final carried e=… */
  JA_SCRAM_ERROR_BAD_SIGNATURE,    /* server signature wrong: not the real server */
  JA_SCRAM_ERROR_STATE,            /* called out of order */
} JaScramError;

typedef struct _JaScram JaScram;

/* cb_name: NULL for no channel binding offered by the server ("n,,"), or the
 * channel binding type when using -PLUS ("p=tls-exporter,,"); cb_data is the
 * binding data for that type. client_supports_cb_only: set when the client
 * supports channel binding but the server did not offer -PLUS ("y,,").
 * nonce: NULL for a random one (tests pass the RFC's).
 * Returns NULL when the username or password is unusable after the minimal
 * SASLprep (empty, not UTF-8, or containing control characters). */
JaScram *ja_scram_new (JaScramHash hash, const char *username,
    const char *password, const char *cb_name, const guint8 *cb_data,
    gsize cb_len, gboolean client_supports_cb_only, const char *nonce);
void ja_scram_free (JaScram *scram);

/* Lower bound on the iteration count (default 4096; the RFC vectors use
 * 4096 for SHA-256 and 4096 for SHA-1, so tests need no change). */
void ja_scram_set_min_iterations (JaScram *scram, guint min);
/* Upper bound on the iteration count; can only lower the hard cap of
 * 10,000,000 (fuzzers keep PBKDF2 cheap with it). */
void ja_scram_set_max_iterations (JaScram *scram, guint max);

/* Mechanism name, e.g. "SCRAM-SHA-256-PLUS" when channel binding is used. */
const char *ja_scram_get_mechanism (const JaScram *scram);

/* client-first-message (transfer full, NUL-terminated, not base64). */
char *ja_scram_client_first (JaScram *scram);
/* Given server-first-message, returns client-final-message (transfer full). */
char *ja_scram_client_final (JaScram *scram, const char *server_first,
    gsize len, GError **error);
/* Checks server-final-message (v=… or e=…). */
gboolean ja_scram_verify_server_final (JaScram *scram, const char *server_final,
    gsize len, GError **error);

/* Mechanism name → hash and whether it is -PLUS; FALSE when not SCRAM. */
gboolean ja_scram_mechanism_parse (const char *mechanism, JaScramHash *hash,
    gboolean *plus);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (JaScram, ja_scram_free)

G_END_DECLS
