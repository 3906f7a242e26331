/* dtls-cert.h — the agent's DTLS identity (XEP-0320, RFC 5763): an ECDSA
 * P-256 self-signed certificate, kept on disk so the fingerprint stays the
 * same across runs, and the fingerprint helpers. Refcounted, immutable. */
#pragma once

#include <glib.h>
#include <gnutls/gnutls.h>

G_BEGIN_DECLS

typedef struct _JaDtlsCert JaDtlsCert;

/* path (nullable): a PEM file holding key + certificate; created (mode
 * 0600, parent directories made) when missing. NULL: an ephemeral one in
 * memory. (transfer full) */
JaDtlsCert *ja_dtls_cert_load_or_create (const char *path, GError **error);
JaDtlsCert *ja_dtls_cert_ref (JaDtlsCert *cert);
void ja_dtls_cert_unref (JaDtlsCert *cert);

/* "sha-256" (the hash name as XEP-0320 / RFC 4572 writes it). */
const char *ja_dtls_cert_get_hash_name (JaDtlsCert *cert);
/* Upper-case hex pairs joined by ':' (RFC 4572), e.g. "AB:CD:…". */
const char *ja_dtls_cert_get_fingerprint (JaDtlsCert *cert);
/* For dtls.c: the credentials to put on a session (transfer none). */
gnutls_certificate_credentials_t ja_dtls_cert_get_credentials (JaDtlsCert *cert);

/* The fingerprint of a DER certificate with hash_name (sha-1, sha-224,
 * sha-256, sha-384, sha-512; case-insensitive). NULL + error on an unknown
 * hash. (transfer full) */
char *ja_dtls_fingerprint_compute (const char *hash_name,
    const guint8 *der, gsize der_len, GError **error);
/* Case-insensitive comparison of two fingerprints in RFC 4572 form. */
gboolean ja_dtls_fingerprint_equal (const char *a, const char *b);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (JaDtlsCert, ja_dtls_cert_unref)

G_END_DECLS
