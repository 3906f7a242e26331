/* xmpp-identity.c — our certificate for serverless streams and the peers
 * we have met (XEP-0174 leaves authentication of direct streams open; we
 * use mutual TLS with self-signed certificates and trust on first use, as
 * SSH does). The certificate is ECDSA P-256, self-signed with SHA-256,
 * valid for 20 years; peers never check its chain or name, only its
 * SHA-256, so nothing in it matters beyond being stable. */
#include "signalling/xmpp/xmpp-identity.h"

#include <errno.h>
#include <string.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <gnutls/gnutls.h>
#include <gnutls/crypto.h>
#include <gnutls/x509.h>

#include "signalling/xmpp/xmpp-error.h"

#define VALID_YEARS 20

char *
ja_xmpp_identity_default_dir (void)
{
  return g_build_filename (g_get_user_data_dir (), "jingle-agent", NULL);
}

char *
ja_xmpp_fingerprint_normalize (const char *text)
{
  GString *out = g_string_new (NULL);

  for (const char *p = text; *p; p++)
    if (g_ascii_isxdigit (*p))
      g_string_append_c (out, g_ascii_tolower (*p));
  return g_string_free (out, FALSE);
}

static gboolean
gnutls_failed (GError **error, int ret, const char *what, const char *path)
{
  g_set_error (error, JA_XMPP_STREAM_ERROR, JA_XMPP_STREAM_ERROR_TLS,
      "identity %s: %s: %s", path, what, gnutls_strerror (ret));
  return FALSE;
}

static char *
sha256_hex (const gnutls_datum_t *der)
{
  guint8 digest[32];
  GString *hex;

  if (gnutls_hash_fast (GNUTLS_DIG_SHA256, der->data, der->size, digest) < 0)
    return NULL;
  hex = g_string_sized_new (64);
  for (guint i = 0; i < sizeof digest; i++)
    g_string_append_printf (hex, "%02x", digest[i]);
  return g_string_free (hex, FALSE);
}

/* The SHA-256 of the first certificate in a PEM file. */
static char *
pem_cert_sha256 (const char *path, GError **error)
{
  g_autofree char *pem = NULL;
  gsize len = 0;
  gnutls_datum_t in, der = { NULL, 0 };
  gnutls_x509_crt_t crt = NULL;
  char *hex = NULL;
  int ret;

  if (!g_file_get_contents (path, &pem, &len, error))
    return NULL;
  in.data = (unsigned char *) pem;
  in.size = len;
  if ((ret = gnutls_x509_crt_init (&crt)) < 0
      || (ret = gnutls_x509_crt_import (crt, &in, GNUTLS_X509_FMT_PEM)) < 0
      || (ret = gnutls_x509_crt_export2 (crt, GNUTLS_X509_FMT_DER, &der)) < 0) {
    gnutls_failed (error, ret, "no certificate", path);
    goto out;
  }
  hex = sha256_hex (&der);
out:
  gnutls_free (der.data);
  if (crt != NULL)
    gnutls_x509_crt_deinit (crt);
  return hex;
}

/* Makes the key and certificate; the PEM text of both (transfer full). */
static char *
create_pem (const char *common_name, const char *path, GError **error)
{
  gnutls_x509_privkey_t key = NULL;
  gnutls_x509_crt_t crt = NULL;
  gnutls_datum_t key_pem = { NULL, 0 }, crt_pem = { NULL, 0 };
  guint8 serial[16];
  time_t now = time (NULL);
  char *text = NULL;
  int ret;

  if ((ret = gnutls_x509_privkey_init (&key)) < 0
      || (ret = gnutls_x509_privkey_generate (key, GNUTLS_PK_ECDSA,
              GNUTLS_CURVE_TO_BITS (GNUTLS_ECC_CURVE_SECP256R1), 0)) < 0) {
    gnutls_failed (error, ret, "generating the key", path);
    goto out;
  }
  gnutls_rnd (GNUTLS_RND_NONCE, serial, sizeof serial);
  serial[0] &= 0x7f;   /* a positive serial number */
  if ((ret = gnutls_x509_crt_init (&crt)) < 0
      || (ret = gnutls_x509_crt_set_version (crt, 3)) < 0
      || (ret = gnutls_x509_crt_set_serial (crt, serial, sizeof serial)) < 0
      || (ret = gnutls_x509_crt_set_activation_time (crt, now - 86400)) < 0
      || (ret = gnutls_x509_crt_set_expiration_time (crt,
              now + (time_t) VALID_YEARS * 365 * 86400)) < 0
      || (ret = gnutls_x509_crt_set_dn_by_oid (crt,
              GNUTLS_OID_X520_COMMON_NAME, 0, common_name,
              strlen (common_name))) < 0
      || (ret = gnutls_x509_crt_set_key (crt, key)) < 0
      || (ret = gnutls_x509_crt_set_key_usage (crt,
              GNUTLS_KEY_DIGITAL_SIGNATURE)) < 0
      || (ret = gnutls_x509_crt_set_basic_constraints (crt, 0, -1)) < 0
      || (ret = gnutls_x509_crt_sign2 (crt, crt, key, GNUTLS_DIG_SHA256,
              0)) < 0) {
    gnutls_failed (error, ret, "making the certificate", path);
    goto out;
  }
  if ((ret = gnutls_x509_crt_export2 (crt, GNUTLS_X509_FMT_PEM,
              &crt_pem)) < 0
      || (ret = gnutls_x509_privkey_export2 (key, GNUTLS_X509_FMT_PEM,
              &key_pem)) < 0) {
    gnutls_failed (error, ret, "exporting", path);
    goto out;
  }
  text = g_strdup_printf ("%.*s%.*s", (int) crt_pem.size,
      (const char *) crt_pem.data, (int) key_pem.size,
      (const char *) key_pem.data);
out:
  if (key_pem.data != NULL) {
    gnutls_memset (key_pem.data, 0, key_pem.size);
    gnutls_free (key_pem.data);
  }
  gnutls_free (crt_pem.data);
  if (crt != NULL)
    gnutls_x509_crt_deinit (crt);
  if (key != NULL)
    gnutls_x509_privkey_deinit (key);
  return text;
}

gboolean
ja_xmpp_identity_ensure (const char *path, const char *common_name,
    char **sha256, gboolean *created, GError **error)
{
  g_autofree char *dir = g_path_get_dirname (path);
  char *pem;
  gboolean ok;
  char *hex;

  if (created != NULL)
    *created = FALSE;
  if (!g_file_test (path, G_FILE_TEST_EXISTS)) {
    if (g_mkdir_with_parents (dir, 0700) != 0) {
      int e = errno;

      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (e),
          "cannot create %s: %s", dir, g_strerror (e));
      return FALSE;
    }
    pem = create_pem (common_name, path, error);
    if (pem == NULL)
      return FALSE;
    ok = g_file_set_contents_full (path, pem, -1,
        G_FILE_SET_CONTENTS_CONSISTENT, 0600, error);
    memset (pem, 0, strlen (pem));
    g_free (pem);
    if (!ok)
      return FALSE;
    if (created != NULL)
      *created = TRUE;
  }
  hex = pem_cert_sha256 (path, error);
  if (hex == NULL)
    return FALSE;
  if (sha256 != NULL)
    *sha256 = hex;
  else
    g_free (hex);
  return TRUE;
}

char *
ja_known_peers_lookup (const char *contents, const char *key)
{
  g_auto (GStrv) lines = g_strsplit (contents, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++) {
    g_auto (GStrv) f = NULL;
    char *line = g_strstrip (lines[i]);

    if (line[0] == '\0' || line[0] == '#')
      continue;
    f = g_strsplit_set (line, " \t", 2);
    if (f[0] == NULL || f[1] == NULL || !g_str_equal (f[0], key))
      continue;
    return ja_xmpp_fingerprint_normalize (g_strstrip (f[1]));
  }
  return NULL;
}

char *
ja_known_peers_find (const char *path, const char *key)
{
  g_autofree char *contents = NULL;

  if (!g_file_get_contents (path, &contents, NULL, NULL))
    return NULL;
  return ja_known_peers_lookup (contents, key);
}

gboolean
ja_known_peers_add (const char *path, const char *key, const char *sha256,
    GError **error)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *old = NULL;
  g_autoptr (GString) text = g_string_new (NULL);

  if (strpbrk (key, " \t\r\n") != NULL) {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
        "'%s' cannot be a known-peers key", key);
    return FALSE;
  }
  if (g_mkdir_with_parents (dir, 0700) != 0) {
    int e = errno;

    g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (e),
        "cannot create %s: %s", dir, g_strerror (e));
    return FALSE;
  }
  if (g_file_get_contents (path, &old, NULL, NULL))
    g_string_append (text, old);
  else
    g_string_append (text, "# jingle-agent known peers: ADDRESS-OR-JID "
        "CERTIFICATE-SHA256\n");
  if (text->len > 0 && text->str[text->len - 1] != '\n')
    g_string_append_c (text, '\n');
  g_string_append_printf (text, "%s %s\n", key, sha256);
  return g_file_set_contents_full (path, text->str, text->len,
      G_FILE_SET_CONTENTS_CONSISTENT, 0600, error);
}
