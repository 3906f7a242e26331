/* ft-hash.h — XEP-0300 hash functions for file transfer: the algorithms we
 * can compute (GnuTLS), their 'algo' names and digest lengths, base64
 * values, an incremental multi-algorithm hasher, and hashing a whole file
 * in a worker thread (the sender, before it offers the file).
 *
 * Kept: sha-256, sha-512, sha3-256. blake2b-256 is in XEP-0300's table but
 * neither GnuTLS 3.7 nor nettle 3.8 computes it, and sha-1/md5 must not be
 * relied on (XEP-0414), so those are "unknown" here and ignored by the
 * description parser. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef enum {
  JA_FT_HASH_SHA_256,
  JA_FT_HASH_SHA_512,
  JA_FT_HASH_SHA3_256,
  JA_FT_N_HASH_ALGOS
} JaFtHashAlgo;

/* Sets of algorithms are bit masks of JA_FT_HASH_BIT (algo). */
#define JA_FT_HASH_BIT(algo) (1u << (algo))
#define JA_FT_HASH_ALL ((1u << JA_FT_N_HASH_ALGOS) - 1)

#define JA_FT_HASH_MAX_LEN 64  /* bytes of the longest digest (sha-512) */
#define JA_FT_MAX_HASHES 8     /* <hash/>+<hash-used/> in one element */

/* One XEP-0300 <hash/>: len 0 means the algorithm is named but the value is
 * not known yet (an empty <hash algo=…/>, XEP-0234 §Application Format). */
typedef struct {
  JaFtHashAlgo algo;
  guint len;
  guint8 digest[JA_FT_HASH_MAX_LEN];
} JaFtHash;

typedef struct {
  guint n;
  JaFtHash items[JA_FT_MAX_HASHES];
} JaFtHashList;

const char *ja_ft_hash_algo_to_string (JaFtHashAlgo algo);
/* FALSE with JA_XMPP_ERROR_BAD_REQUEST for a name we do not compute. */
gboolean ja_ft_hash_algo_from_string (const char *name, JaFtHashAlgo *algo,
    GError **error);
guint ja_ft_hash_algo_get_length (JaFtHashAlgo algo);

/* Decode a base64 value (RFC 4648 §4, no whitespace inside, surrounding
 * ASCII whitespace ignored) of exactly the algorithm's digest length into
 * hash; "" gives len 0. FALSE with JA_XMPP_ERROR_BAD_REQUEST otherwise. */
gboolean ja_ft_hash_set_base64 (JaFtHash *hash, JaFtHashAlgo algo,
    const char *text, GError **error);
char *ja_ft_hash_to_base64 (const JaFtHash *hash);  /* (transfer full) */
gboolean ja_ft_hash_equal (const JaFtHash *a, const JaFtHash *b);

/* The entry for algo that carries a value, or NULL. */
const JaFtHash *ja_ft_hash_list_find (const JaFtHashList *list,
    JaFtHashAlgo algo);
/* Replaces the entry of the same algorithm or appends; FALSE when full. */
gboolean ja_ft_hash_list_set (JaFtHashList *list, const JaFtHash *hash);

/* Incremental hashing with several algorithms at once. */
typedef struct _JaFtHasher JaFtHasher;

JaFtHasher *ja_ft_hasher_new (guint algos, GError **error);
void ja_ft_hasher_update (JaFtHasher *hasher, const void *data, gsize len);
/* Appends one JaFtHash per algorithm to out (cleared first) and resets the
 * hasher to its initial state. */
void ja_ft_hasher_finish (JaFtHasher *hasher, JaFtHashList *out);
guint ja_ft_hasher_get_algos (JaFtHasher *hasher);
void ja_ft_hasher_free (JaFtHasher *hasher);

/* Hashing a whole file in a GTask thread, reading 1 MiB at a time. progress
 * (optional) runs in the caller's thread-default main context, throttled to
 * one pending call at a time, never after callback has run. */
typedef void (*JaFtHashProgressFunc) (guint64 done, guint64 total,
    gpointer user_data);

void ja_ft_hash_file_async (const char *path, guint algos,
    GCancellable *cancellable, JaFtHashProgressFunc progress,
    gpointer progress_data, GAsyncReadyCallback callback,
    gpointer user_data);
/* out gets one hash per algorithm; size the bytes read. G_IO_ERROR on
 * failure (G_IO_ERROR_CANCELLED when cancelled). */
gboolean ja_ft_hash_file_finish (GAsyncResult *result, JaFtHashList *out,
    guint64 *size, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (JaFtHasher, ja_ft_hasher_free)

G_END_DECLS
