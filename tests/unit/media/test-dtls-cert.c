/* test-dtls-cert.c — the DTLS identity (media/dtls-cert.c): created on
 * disk with mode 0600 and parent directories, reloaded with the same
 * fingerprint, an ECDSA P-256 certificate signed with SHA-256, RFC 4572
 * fingerprints checked against GLib's own hashes. */
#include <string.h>
#include <sys/stat.h>

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "media/dtls-cert.h"
#include "media/media-error.h"

/* RFC 4572 form of a GLib checksum: upper-case hex pairs joined by ':'. */
static char *
rfc4572_of (GChecksumType type, const guint8 *data, gsize len)
{
  g_autofree char *hex = g_compute_checksum_for_data (type, data, len);
  GString *out = g_string_new (NULL);

  for (gsize i = 0; hex[i] != '\0'; i += 2) {
    if (i > 0)
      g_string_append_c (out, ':');
    g_string_append_c (out, g_ascii_toupper (hex[i]));
    g_string_append_c (out, g_ascii_toupper (hex[i + 1]));
  }
  return g_string_free (out, FALSE);
}

static void
assert_rfc4572 (const char *fp, guint n_bytes)
{
  g_assert_nonnull (fp);
  g_assert_cmpuint (strlen (fp), ==, n_bytes * 3 - 1);
  for (guint i = 0; i < n_bytes; i++) {
    g_assert_true (g_ascii_isxdigit (fp[3 * i]));
    g_assert_true (g_ascii_isxdigit (fp[3 * i + 1]));
    g_assert_false (g_ascii_islower (fp[3 * i]));
    g_assert_false (g_ascii_islower (fp[3 * i + 1]));
    if (i + 1 < n_bytes)
      g_assert_cmpint (fp[3 * i + 2], ==, ':');
  }
}

/* The certificate in the PEM file, as DER. */
static GBytes *
read_cert_der (const char *path)
{
  g_autofree char *pem = NULL;
  gsize len;
  gnutls_datum_t in, der;
  gnutls_x509_crt_t crt;
  GBytes *out;

  g_assert_true (g_file_get_contents (path, &pem, &len, NULL));
  g_assert_nonnull (strstr (pem, "PRIVATE KEY-----"));
  g_assert_nonnull (strstr (pem, "-----BEGIN CERTIFICATE-----"));
  in.data = (unsigned char *) pem;
  in.size = (unsigned) len;
  g_assert_cmpint (gnutls_x509_crt_init (&crt), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_import (crt, &in, GNUTLS_X509_FMT_PEM), ==, 0);
  /* ECDSA P-256, signed with SHA-256, valid now and for years. */
  {
    unsigned bits = 0;
    g_assert_cmpint (gnutls_x509_crt_get_pk_algorithm (crt, &bits), ==,
        GNUTLS_PK_ECDSA);
    g_assert_cmpint (gnutls_x509_crt_get_signature_algorithm (crt), ==,
        GNUTLS_SIGN_ECDSA_SHA256);
    g_assert_cmpint (gnutls_x509_crt_get_activation_time (crt), <=, time (NULL));
    g_assert_cmpint (gnutls_x509_crt_get_expiration_time (crt), >,
        time (NULL) + 5 * 365 * 24 * 3600);
  }
  g_assert_cmpint (gnutls_x509_crt_export2 (crt, GNUTLS_X509_FMT_DER, &der), ==, 0);
  out = g_bytes_new (der.data, der.size);
  gnutls_free (der.data);
  gnutls_x509_crt_deinit (crt);
  return out;
}

static void
remove_tree (const char *dir)
{
  g_autoptr (GFile) f = g_file_new_for_path (dir);
  g_autoptr (GFileEnumerator) e = g_file_enumerate_children (f,
      G_FILE_ATTRIBUTE_STANDARD_NAME, G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS,
      NULL, NULL);
  GFileInfo *info;

  while (e != NULL && (info = g_file_enumerator_next_file (e, NULL, NULL))) {
    g_autofree char *child = g_build_filename (dir,
        g_file_info_get_name (info), NULL);

    if (g_file_info_get_file_type (info) == G_FILE_TYPE_DIRECTORY)
      remove_tree (child);
    else
      g_remove (child);
    g_object_unref (info);
  }
  g_rmdir (dir);
}

static void
test_create_reload (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *tmp = g_dir_make_tmp ("ja-dtls-cert-XXXXXX", &error);
  g_autofree char *path = g_build_filename (tmp, "a", "b", "dtls.pem", NULL);
  g_autofree char *parent = g_path_get_dirname (path);
  g_autofree char *first = NULL;
  g_autofree char *der_fp = NULL;
  g_autoptr (GBytes) der = NULL;
  JaDtlsCert *cert;
  struct stat st;

  g_assert_no_error (error);
  cert = ja_dtls_cert_load_or_create (path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (cert);
  g_assert_cmpstr (ja_dtls_cert_get_hash_name (cert), ==, "sha-256");
  assert_rfc4572 (ja_dtls_cert_get_fingerprint (cert), 32);
  g_assert_nonnull (ja_dtls_cert_get_credentials (cert));
  first = g_strdup (ja_dtls_cert_get_fingerprint (cert));
  ja_dtls_cert_unref (cert);

  g_assert_cmpint (stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_assert_cmpint (stat (parent, &st), ==, 0);
  g_assert_true (S_ISDIR (st.st_mode));

  /* The fingerprint is the sha-256 of the certificate in the file. */
  der = read_cert_der (path);
  der_fp = rfc4572_of (G_CHECKSUM_SHA256, g_bytes_get_data (der, NULL),
      g_bytes_get_size (der));
  g_assert_cmpstr (der_fp, ==, first);

  /* Loaded again: the same identity. */
  cert = ja_dtls_cert_load_or_create (path, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (ja_dtls_cert_get_fingerprint (cert), ==, first);
  g_assert_true (ja_dtls_cert_ref (cert) == cert);
  ja_dtls_cert_unref (cert);
  g_assert_cmpstr (ja_dtls_cert_get_fingerprint (cert), ==, first);
  ja_dtls_cert_unref (cert);
  remove_tree (tmp);
}

/* A damaged file is an error and is left as it is. */
static void
test_corrupt_file (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *tmp = g_dir_make_tmp ("ja-dtls-cert-XXXXXX", &error);
  g_autofree char *path = g_build_filename (tmp, "dtls.pem", NULL);
  g_autofree char *after = NULL;
  const char *junk = "-----BEGIN CERTIFICATE-----\nnot base64\n";
  JaDtlsCert *cert;

  g_assert_true (g_file_set_contents (path, junk, -1, NULL));
  cert = ja_dtls_cert_load_or_create (path, &error);
  g_assert_null (cert);
  g_assert_error (error, JA_MEDIA_ERROR, JA_MEDIA_ERROR_DTLS);
  g_assert_true (g_file_get_contents (path, &after, NULL, NULL));
  g_assert_cmpstr (after, ==, junk);
  remove_tree (tmp);
}

static void
test_ephemeral (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JaDtlsCert) a = ja_dtls_cert_load_or_create (NULL, &error);
  g_autoptr (JaDtlsCert) b = ja_dtls_cert_load_or_create (NULL, &error);

  g_assert_no_error (error);
  assert_rfc4572 (ja_dtls_cert_get_fingerprint (a), 32);
  assert_rfc4572 (ja_dtls_cert_get_fingerprint (b), 32);
  g_assert_cmpstr (ja_dtls_cert_get_fingerprint (a), !=,
      ja_dtls_cert_get_fingerprint (b));
}

static void
test_compute (void)
{
  static const guint8 data[] = "a certificate stands in here";
  gsize len = sizeof data - 1;
  static const struct {
    const char *name;
    GChecksumType type;
    guint n;
  } cases[] = {
    { "sha-1", G_CHECKSUM_SHA1, 20 },
    { "sha-256", G_CHECKSUM_SHA256, 32 },
    { "SHA-256", G_CHECKSUM_SHA256, 32 },
    { "sha-384", G_CHECKSUM_SHA384, 48 },
    { "sha-512", G_CHECKSUM_SHA512, 64 },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_autoptr (GError) error = NULL;
    g_autofree char *fp = ja_dtls_fingerprint_compute (cases[i].name, data,
        len, &error);
    g_autofree char *want = rfc4572_of (cases[i].type, data, len);

    g_assert_no_error (error);
    assert_rfc4572 (fp, cases[i].n);
    g_assert_cmpstr (fp, ==, want);
  }
  {
    g_autoptr (GError) error = NULL;
    g_autofree char *fp = ja_dtls_fingerprint_compute ("md5", data, len, &error);

    g_assert_null (fp);
    g_assert_error (error, JA_MEDIA_ERROR, JA_MEDIA_ERROR_FINGERPRINT);
  }
}

static void
test_equal (void)
{
  g_assert_true (ja_dtls_fingerprint_equal ("AB:CD:0F", "ab:cd:0f"));
  g_assert_true (ja_dtls_fingerprint_equal ("AB:CD:0F", "AB:CD:0F"));
  g_assert_false (ja_dtls_fingerprint_equal ("AB:CD:0F", "AB:CD:0E"));
  g_assert_false (ja_dtls_fingerprint_equal ("AB:CD:0F", "AB:CD"));
  g_assert_false (ja_dtls_fingerprint_equal ("AB:CD:0F", NULL));
  g_assert_false (ja_dtls_fingerprint_equal (NULL, NULL));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/dtls-cert/create-reload", test_create_reload);
  g_test_add_func ("/dtls-cert/corrupt-file", test_corrupt_file);
  g_test_add_func ("/dtls-cert/ephemeral", test_ephemeral);
  g_test_add_func ("/dtls-cert/fingerprint/compute", test_compute);
  g_test_add_func ("/dtls-cert/fingerprint/equal", test_equal);
  return g_test_run ();
}
