/* test-xmpp-identity.c — serverless identities and known peers: the
 * known-peers lookup (comments, other keys, the first line for a key, a
 * fingerprint in AA:BB form), fingerprint normalisation, and the identity
 * file: made once (ECDSA P-256 certificate plus key, mode 0600), stable on
 * the next load, and its SHA-256 that of the certificate's DER. */
#include <string.h>
#include <sys/stat.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <gnutls/gnutls.h>
#include <gnutls/crypto.h>
#include <gnutls/x509.h>

#include "signalling/xmpp/xmpp-identity.h"

static void
test_lookup (void)
{
  const char *text = "# jingle-agent known peers\n"
      "\n"
      "127.0.0.1:5000 AB:CD:EF\n"
      "bob@host   0123abcd\n"
      "bob@host ffff\n"
      "  # bob@other 99\n"
      "[::1]:7 beef";
  g_autofree char *a = ja_known_peers_lookup (text, "127.0.0.1:5000");
  g_autofree char *b = ja_known_peers_lookup (text, "bob@host");
  g_autofree char *c = ja_known_peers_lookup (text, "[::1]:7");
  g_autofree char *d = ja_known_peers_lookup (text, "bob@other");
  g_autofree char *e = ja_known_peers_lookup (text, "bob");
  g_autofree char *f = ja_known_peers_lookup ("", "bob@host");

  g_assert_cmpstr (a, ==, "abcdef");
  g_assert_cmpstr (b, ==, "0123abcd");     /* the first line wins */
  g_assert_cmpstr (c, ==, "beef");         /* no trailing newline */
  g_assert_null (d);                       /* a comment */
  g_assert_null (e);                       /* keys match whole */
  g_assert_null (f);
}

static void
test_normalize (void)
{
  g_autofree char *a = ja_xmpp_fingerprint_normalize ("AB:cd:0F");
  g_autofree char *b = ja_xmpp_fingerprint_normalize ("  xyz ");

  g_assert_cmpstr (a, ==, "abcd0f");
  g_assert_cmpstr (b, ==, "");
}

static char *
der_sha256 (const char *path)
{
  g_autofree char *pem = NULL;
  gsize len;
  gnutls_x509_crt_t crt;
  gnutls_datum_t in, der;
  guint8 digest[32];
  GString *hex = g_string_new (NULL);

  g_assert_true (g_file_get_contents (path, &pem, &len, NULL));
  in.data = (unsigned char *) pem;
  in.size = len;
  g_assert_cmpint (gnutls_x509_crt_init (&crt), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_import (crt, &in, GNUTLS_X509_FMT_PEM), ==,
      0);
  g_assert_cmpint (gnutls_x509_crt_get_pk_algorithm (crt, NULL), ==,
      GNUTLS_PK_ECDSA);
  g_assert_cmpint (gnutls_x509_crt_export2 (crt, GNUTLS_X509_FMT_DER, &der),
      ==, 0);
  gnutls_hash_fast (GNUTLS_DIG_SHA256, der.data, der.size, digest);
  for (guint i = 0; i < 32; i++)
    g_string_append_printf (hex, "%02x", digest[i]);
  gnutls_free (der.data);
  gnutls_x509_crt_deinit (crt);
  return g_string_free (hex, FALSE);
}

static void
test_identity_file (void)
{
  g_autofree char *dir = g_dir_make_tmp ("ja-identity-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "sub", "identity.pem", NULL);
  g_autofree char *sub = g_path_get_dirname (path);
  g_autofree char *kp = g_build_filename (dir, "known_peers", NULL);
  g_autofree char *sha1 = NULL, *sha2 = NULL, *want = NULL, *found = NULL;
  g_autofree char *pem = NULL;
  g_autoptr (GError) error = NULL;
  gboolean created = FALSE;
  GStatBuf st;

  g_assert_true (ja_xmpp_identity_ensure (path, "alice@host", &sha1, &created,
          &error));
  g_assert_no_error (error);
  g_assert_true (created);
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_assert_true (g_file_get_contents (path, &pem, NULL, NULL));
  g_assert_nonnull (strstr (pem, "BEGIN CERTIFICATE"));
  g_assert_nonnull (strstr (pem, "PRIVATE KEY"));
  want = der_sha256 (path);
  g_assert_cmpstr (sha1, ==, want);
  /* Loaded again, not made again. */
  g_assert_true (ja_xmpp_identity_ensure (path, "alice@host", &sha2, &created,
          &error));
  g_assert_false (created);
  g_assert_cmpstr (sha2, ==, sha1);

  /* Recorded peers are found again; bad keys are refused. */
  g_assert_true (ja_known_peers_add (kp, "bob@host", sha1, &error));
  g_assert_no_error (error);
  found = ja_known_peers_find (kp, "bob@host");
  g_assert_cmpstr (found, ==, sha1);
  g_assert_false (ja_known_peers_add (kp, "bob host", sha1, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_remove (path);
  g_remove (kp);
  g_rmdir (sub);
  g_rmdir (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/xmpp/identity/known-peers-lookup", test_lookup);
  g_test_add_func ("/xmpp/identity/fingerprint-normalize", test_normalize);
  g_test_add_func ("/xmpp/identity/file", test_identity_file);
  return g_test_run ();
}
