/* test-sasl.c — which SASL mechanism the client picks (strongest offered,
 * channel binding first, PLAIN only over TLS) and how it runs PLAIN. */
#include <string.h>

#include "signalling/xmpp/sasl.h"
#include "signalling/xmpp/xmpp-error.h"

static GBytes *
cb_all (const char *type, gpointer data)
{
  return g_bytes_new_static ("0123456789abcdef", 16);
}

static GBytes *
cb_none (const char *type, gpointer data)
{
  return NULL;
}

static char *
choose (const char *offered, const char *cb_types, const char *tls,
    JaSaslCbFunc cb, char **cb_type)
{
  g_auto (GStrv) mechs = g_strsplit (offered, " ", -1);
  g_auto (GStrv) cbs = cb_types ? g_strsplit (cb_types, " ", -1) : NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (JaSasl) sasl = ja_sasl_new ((const char *const *) mechs,
      (const char *const *) cbs, tls, cb, NULL, "user", "pencil", &error);

  if (sasl == NULL)
    return NULL;
  if (cb_type != NULL)
    *cb_type = g_strdup (ja_sasl_get_cb_type (sasl));
  return g_strdup (ja_sasl_get_mechanism (sasl));
}

static void
test_ranking (void)
{
  g_autofree char *a = choose ("PLAIN SCRAM-SHA-1 SCRAM-SHA-256", NULL,
      "TLS1.3", cb_all, NULL);
  g_autofree char *b = choose ("SCRAM-SHA-1 SCRAM-SHA-1-PLUS SCRAM-SHA-512",
      NULL, "TLS1.2", cb_all, NULL);
  g_autofree char *c = choose ("SCRAM-SHA-1-PLUS SCRAM-SHA-1", NULL, "TLS1.2",
      cb_none, NULL);
  g_autofree char *d = choose ("PLAIN", NULL, "TLS1.3", cb_all, NULL);

  g_assert_cmpstr (a, ==, "SCRAM-SHA-256");
  g_assert_cmpstr (b, ==, "SCRAM-SHA-1-PLUS");   /* channel binding first */
  g_assert_cmpstr (c, ==, "SCRAM-SHA-1");        /* no binding data: plain */
  g_assert_cmpstr (d, ==, "PLAIN");
}

static void
test_cb_type (void)
{
  char *t13 = NULL, *t12 = NULL, *adv = NULL;
  g_autofree char *m13 = choose ("SCRAM-SHA-256-PLUS", NULL, "TLS1.3", cb_all,
      &t13);
  g_autofree char *m12 = choose ("SCRAM-SHA-1-PLUS", NULL, "TLS1.2", cb_all,
      &t12);
  /* XEP-0440: the server's list decides. */
  g_autofree char *madv = choose ("SCRAM-SHA-256-PLUS", "tls-server-end-point",
      "TLS1.3", cb_all, &adv);

  g_assert_cmpstr (m13, ==, "SCRAM-SHA-256-PLUS");
  g_assert_cmpstr (t13, ==, "tls-exporter");
  g_assert_cmpstr (m12, ==, "SCRAM-SHA-1-PLUS");
  g_assert_cmpstr (t12, ==, "tls-unique");
  g_assert_cmpstr (madv, ==, "SCRAM-SHA-256-PLUS");
  g_assert_cmpstr (adv, ==, "tls-server-end-point");
  g_free (t13);
  g_free (t12);
  g_free (adv);
}

static void
test_no_plain_without_tls (void)
{
  g_auto (GStrv) mechs = g_strsplit ("PLAIN", " ", -1);
  g_autoptr (GError) error = NULL;
  g_autoptr (JaSasl) sasl = ja_sasl_new ((const char *const *) mechs, NULL,
      NULL, NULL, NULL, "user", "pencil", &error);

  g_assert_null (sasl);
  g_assert_error (error, JA_XMPP_STREAM_ERROR,
      JA_XMPP_STREAM_ERROR_NO_MECHANISM);
  g_assert_nonnull (strstr (error->message, "PLAIN is refused without TLS"));
}

static void
test_plain_message (void)
{
  g_auto (GStrv) mechs = g_strsplit ("PLAIN", " ", -1);
  g_autoptr (JaSasl) sasl = ja_sasl_new ((const char *const *) mechs, NULL,
      "TLS1.3", NULL, NULL, "user", "pencil", NULL);
  g_autoptr (GBytes) initial = ja_sasl_initial (sasl);
  gsize len;
  const char *data = g_bytes_get_data (initial, &len);

  g_assert_cmpmem (data, len, "\0user\0pencil", 12);
  g_assert_true (ja_sasl_finish (sasl, NULL, NULL));
}

static void
test_scram_needs_server_final (void)
{
  g_auto (GStrv) mechs = g_strsplit ("SCRAM-SHA-1", " ", -1);
  g_autoptr (JaSasl) sasl = ja_sasl_new ((const char *const *) mechs, NULL,
      "TLS1.3", NULL, NULL, "user", "pencil", NULL);
  g_autoptr (GBytes) initial = ja_sasl_initial (sasl);
  g_autoptr (GError) error = NULL;
  gsize len;
  const char *first = g_bytes_get_data (initial, &len);

  /* Without the channel binding callback the client cannot bind: "n,,". */
  g_assert_true (g_str_has_prefix (first, "n,,n=user,r="));
  /* A server that claims success without proving itself is refused. */
  g_assert_false (ja_sasl_finish (sasl, NULL, &error));
  g_assert_error (error, JA_XMPP_STREAM_ERROR, JA_XMPP_STREAM_ERROR_AUTH);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/xmpp/sasl/ranking", test_ranking);
  g_test_add_func ("/xmpp/sasl/channel-binding-type", test_cb_type);
  g_test_add_func ("/xmpp/sasl/no-plain-without-tls", test_no_plain_without_tls);
  g_test_add_func ("/xmpp/sasl/plain-message", test_plain_message);
  g_test_add_func ("/xmpp/sasl/scram-needs-server-final",
      test_scram_needs_server_final);
  return g_test_run ();
}
