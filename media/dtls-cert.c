/* dtls-cert.c — the agent's DTLS identity for DTLS-SRTP (RFC 5763 §5,
 * XEP-0320): an ECDSA P-256 key and a self-signed X.509 certificate signed
 * with SHA-256, kept as PEM (key, then certificate) in one file of mode 0600
 * so that the fingerprint signalled in Jingle stays the same across runs.
 * Also the RFC 4572 fingerprint helpers (upper-case hex pairs joined by
 * ':'). A JaDtlsCert is immutable once made and refcounted. */
#include "media/dtls-cert.h"

#include <errno.h>
#include <string.h>

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <gnutls/crypto.h>
#include <gnutls/x509.h>

#include "media/media-error.h"

/* Ten years: the certificate is an identity, not a trust anchor (RFC 5763
 * §5 leaves validity to the implementation). */
#define CERT_VALIDITY_DAYS (10 * 365)
#define CERT_DN "CN=jingle-agent"
/* A key + certificate PEM pair is about 1 KiB; refuse anything absurd. */
#define CERT_FILE_MAX (64 * 1024)

struct _JaDtlsCert {
  gatomicrefcount ref;
  gnutls_certificate_credentials_t creds;
  char *fingerprint;              /* sha-256, RFC 4572 form */
};

static const struct {
  const char *name;
  gnutls_digest_algorithm_t algo;
} hashes[] = {
  { "sha-1", GNUTLS_DIG_SHA1 },
  { "sha-224", GNUTLS_DIG_SHA224 },
  { "sha-256", GNUTLS_DIG_SHA256 },
  { "sha-384", GNUTLS_DIG_SHA384 },
  { "sha-512", GNUTLS_DIG_SHA512 },
};

/* The one GnuTLS → GError helper of this file. */
static void
set_gnutls_error (GError **error, int ret, const char *what)
{
  g_set_error (error, JA_MEDIA_ERROR, JA_MEDIA_ERROR_DTLS,
      "%s: %s", what, gnutls_strerror (ret));
}

static gboolean
lookup_hash (const char *hash_name, gnutls_digest_algorithm_t *algo)
{
  if (hash_name == NULL)
    return FALSE;
  for (gsize i = 0; i < G_N_ELEMENTS (hashes); i++) {
    if (g_ascii_strcasecmp (hashes[i].name, hash_name) == 0) {
      *algo = hashes[i].algo;
      return TRUE;
    }
  }
  return FALSE;
}

char *
ja_dtls_fingerprint_compute (const char *hash_name, const guint8 *der,
    gsize der_len, GError **error)
{
  gnutls_digest_algorithm_t algo;
  guint8 digest[64];
  unsigned len;
  GString *out;
  int ret;

  g_return_val_if_fail (der != NULL || der_len == 0, NULL);

  if (!lookup_hash (hash_name, &algo)) {
    g_set_error (error, JA_MEDIA_ERROR, JA_MEDIA_ERROR_FINGERPRINT,
        "unsupported fingerprint hash '%s'", hash_name ? hash_name : "(none)");
    return NULL;
  }
  len = gnutls_hash_get_len (algo);
  g_assert (len > 0 && len <= sizeof digest);
  ret = gnutls_hash_fast (algo, der, der_len, digest);
  if (ret < 0) {
    set_gnutls_error (error, ret, "hashing the certificate");
    return NULL;
  }
  out = g_string_sized_new (len * 3);
  for (unsigned i = 0; i < len; i++)
    g_string_append_printf (out, i == 0 ? "%02X" : ":%02X", digest[i]);
  return g_string_free (out, FALSE);
}

gboolean
ja_dtls_fingerprint_equal (const char *a, const char *b)
{
  if (a == NULL || b == NULL)
    return FALSE;
  return g_ascii_strcasecmp (a, b) == 0;
}

/* A fresh P-256 key and a self-signed certificate for it. */
static gboolean
generate (gnutls_x509_privkey_t *key_out, gnutls_x509_crt_t *crt_out,
    GError **error)
{
  gnutls_x509_privkey_t key = NULL;
  gnutls_x509_crt_t crt = NULL;
  guint8 serial[16];
  time_t now = time (NULL);
  int ret;

  if ((ret = gnutls_x509_privkey_init (&key)) < 0
      || (ret = gnutls_x509_privkey_generate (key, GNUTLS_PK_ECDSA,
              GNUTLS_CURVE_TO_BITS (GNUTLS_ECC_CURVE_SECP256R1), 0)) < 0) {
    set_gnutls_error (error, ret, "generating the DTLS key");
    goto out;
  }
  ret = gnutls_rnd (GNUTLS_RND_NONCE, serial, sizeof serial);
  serial[0] &= 0x7f;              /* a positive INTEGER */
  serial[0] |= 0x01;              /* and no leading zero octet */
  if (ret < 0
      || (ret = gnutls_x509_crt_init (&crt)) < 0
      || (ret = gnutls_x509_crt_set_version (crt, 3)) < 0
      || (ret = gnutls_x509_crt_set_serial (crt, serial, sizeof serial)) < 0
      || (ret = gnutls_x509_crt_set_dn (crt, CERT_DN, NULL)) < 0
      || (ret = gnutls_x509_crt_set_activation_time (crt, now - 24 * 3600)) < 0
      || (ret = gnutls_x509_crt_set_expiration_time (crt,
              now + (time_t) CERT_VALIDITY_DAYS * 24 * 3600)) < 0
      || (ret = gnutls_x509_crt_set_key (crt, key)) < 0
      || (ret = gnutls_x509_crt_set_key_usage (crt,
              GNUTLS_KEY_DIGITAL_SIGNATURE)) < 0
      || (ret = gnutls_x509_crt_sign2 (crt, crt, key, GNUTLS_DIG_SHA256, 0)) < 0) {
    set_gnutls_error (error, ret, "making the DTLS certificate");
    goto out;
  }
  *key_out = g_steal_pointer (&key);
  *crt_out = g_steal_pointer (&crt);
out:
  if (crt != NULL)
    gnutls_x509_crt_deinit (crt);
  if (key != NULL)
    gnutls_x509_privkey_deinit (key);
  return *crt_out != NULL;
}

/* Writes key + certificate as PEM to path (mode 0600, parents 0700). */
static gboolean
save (const char *path, gnutls_x509_privkey_t key, gnutls_x509_crt_t crt,
    GError **error)
{
  gnutls_datum_t kpem = { NULL, 0 }, cpem = { NULL, 0 };
  g_autofree char *dir = g_path_get_dirname (path);
  GString *text = NULL;
  gboolean ok = FALSE;
  int ret;

  if (g_mkdir_with_parents (dir, 0700) < 0) {
    int e = errno;
    g_set_error (error, G_IO_ERROR, g_io_error_from_errno (e),
        "cannot create %s: %s", dir, g_strerror (e));
    return FALSE;
  }
  if ((ret = gnutls_x509_privkey_export2 (key, GNUTLS_X509_FMT_PEM, &kpem)) < 0
      || (ret = gnutls_x509_crt_export2 (crt, GNUTLS_X509_FMT_PEM, &cpem)) < 0) {
    set_gnutls_error (error, ret, "exporting the DTLS certificate");
    goto out;
  }
  text = g_string_new_len ((const char *) kpem.data, kpem.size);
  g_string_append_len (text, (const char *) cpem.data, cpem.size);
  ok = g_file_set_contents_full (path, text->str, text->len,
      G_FILE_SET_CONTENTS_CONSISTENT, 0600, error);
out:
  if (text != NULL) {
    gnutls_memset (text->str, 0, text->len);
    g_string_free (text, TRUE);
  }
  if (kpem.data != NULL) {
    gnutls_memset (kpem.data, 0, kpem.size);
    gnutls_free (kpem.data);
  }
  gnutls_free (cpem.data);
  return ok;
}

/* Reads key + certificate back from the PEM file. */
static gboolean
load (const char *path, gnutls_x509_privkey_t *key_out,
    gnutls_x509_crt_t *crt_out, GError **error)
{
  g_autofree char *text = NULL;
  gsize len = 0;
  gnutls_datum_t datum;
  gnutls_x509_privkey_t key = NULL;
  gnutls_x509_crt_t crt = NULL;
  int ret;

  if (!g_file_get_contents (path, &text, &len, error))
    return FALSE;
  if (len > CERT_FILE_MAX) {
    g_set_error (error, JA_MEDIA_ERROR, JA_MEDIA_ERROR_DTLS,
        "%s: too large for a DTLS certificate file", path);
    goto out;
  }
  datum.data = (unsigned char *) text;
  datum.size = (unsigned) len;
  if ((ret = gnutls_x509_privkey_init (&key)) < 0
      || (ret = gnutls_x509_privkey_import (key, &datum, GNUTLS_X509_FMT_PEM)) < 0
      || (ret = gnutls_x509_crt_init (&crt)) < 0
      || (ret = gnutls_x509_crt_import (crt, &datum, GNUTLS_X509_FMT_PEM)) < 0) {
    g_set_error (error, JA_MEDIA_ERROR, JA_MEDIA_ERROR_DTLS,
        "%s: not a PEM key and certificate: %s", path, gnutls_strerror (ret));
    goto out;
  }
  *key_out = g_steal_pointer (&key);
  *crt_out = g_steal_pointer (&crt);
out:
  if (crt != NULL)
    gnutls_x509_crt_deinit (crt);
  if (key != NULL)
    gnutls_x509_privkey_deinit (key);
  if (text != NULL)
    gnutls_memset (text, 0, len);
  return *crt_out != NULL;
}

static char *
fingerprint_of (gnutls_x509_crt_t crt, GError **error)
{
  gnutls_datum_t der = { NULL, 0 };
  char *fp;
  int ret = gnutls_x509_crt_export2 (crt, GNUTLS_X509_FMT_DER, &der);

  if (ret < 0) {
    set_gnutls_error (error, ret, "exporting the DTLS certificate");
    return NULL;
  }
  fp = ja_dtls_fingerprint_compute ("sha-256", der.data, der.size, error);
  gnutls_free (der.data);
  return fp;
}

JaDtlsCert *
ja_dtls_cert_load_or_create (const char *path, GError **error)
{
  gnutls_x509_privkey_t key = NULL;
  gnutls_x509_crt_t crt = NULL;
  JaDtlsCert *cert = NULL;
  int ret;

  if (path != NULL && g_file_test (path, G_FILE_TEST_EXISTS)) {
    if (!load (path, &key, &crt, error))
      return NULL;
  } else {
    if (!generate (&key, &crt, error))
      return NULL;
    if (path != NULL && !save (path, key, crt, error))
      goto out;
  }

  cert = g_new0 (JaDtlsCert, 1);
  g_atomic_ref_count_init (&cert->ref);
  cert->fingerprint = fingerprint_of (crt, error);
  if (cert->fingerprint == NULL)
    goto fail;
  if ((ret = gnutls_certificate_allocate_credentials (&cert->creds)) < 0
      || (ret = gnutls_certificate_set_x509_key (cert->creds, &crt, 1, key)) < 0) {
    set_gnutls_error (error, ret, "setting the DTLS credentials");
    goto fail;
  }
  goto out;
fail:
  g_clear_pointer (&cert, ja_dtls_cert_unref);
out:
  gnutls_x509_crt_deinit (crt);
  gnutls_x509_privkey_deinit (key);
  return cert;
}

JaDtlsCert *
ja_dtls_cert_ref (JaDtlsCert *cert)
{
  g_return_val_if_fail (cert != NULL, NULL);
  g_atomic_ref_count_inc (&cert->ref);
  return cert;
}

void
ja_dtls_cert_unref (JaDtlsCert *cert)
{
  if (cert == NULL || !g_atomic_ref_count_dec (&cert->ref))
    return;
  if (cert->creds != NULL)
    gnutls_certificate_free_credentials (cert->creds);
  g_free (cert->fingerprint);
  g_free (cert);
}

const char *
ja_dtls_cert_get_hash_name (JaDtlsCert *cert)
{
  g_return_val_if_fail (cert != NULL, NULL);
  return "sha-256";
}

const char *
ja_dtls_cert_get_fingerprint (JaDtlsCert *cert)
{
  g_return_val_if_fail (cert != NULL, NULL);
  return cert->fingerprint;
}

gnutls_certificate_credentials_t
ja_dtls_cert_get_credentials (JaDtlsCert *cert)
{
  g_return_val_if_fail (cert != NULL, NULL);
  return cert->creds;
}
