/* test-ibb-transport.c — the XEP-0261 transport kind's codec and
 * negotiation without a stream: parsing <transport/> (sid and block-size
 * mandatory, 1…65535), a fresh random sid and the default block-size on
 * offer, a responder lowering block-size to what it accepts, the initiator
 * adopting the smaller answer, a changed sid refused. */
#include "plugins/ibb/ibb-transport.h"

#include <stdlib.h>
#include "signalling/xmpp/ns.h"
#include "signalling/xmpp/xmpp-error.h"

static JaXmlNode *
transport (const char *attrs)
{
  JaXmlNode *n = ja_xml_node_new ("transport", JA_NS_JINGLE_IBB);
  g_auto (GStrv) kv = g_strsplit (attrs, " ", -1);

  for (guint i = 0; kv[i] != NULL; i++) {
    g_auto (GStrv) p = g_strsplit (kv[i], "=", 2);

    if (p[0] != NULL && p[1] != NULL)
      ja_xml_node_set_attr (n, p[0], p[1]);
  }
  return n;
}

static void
test_parse (void)
{
  static const struct { const char *attrs; gboolean ok; guint bs; } cases[] = {
    { "sid=a1 block-size=4096", TRUE, 4096 },
    { "sid=a1 block-size=65535", TRUE, 65535 },
    { "sid=a1 block-size=1", TRUE, 1 },
    { "sid=a1 block-size=0", FALSE, 0 },
    { "sid=a1 block-size=65536", FALSE, 0 },
    { "sid=a1 block-size=-1", FALSE, 0 },
    { "sid=a1 block-size=12x", FALSE, 0 },
    { "sid=a1", FALSE, 0 },
    { "block-size=4096", FALSE, 0 },
    { "sid= block-size=4096", FALSE, 0 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_autoptr (JaXmlNode) n = transport (cases[i].attrs);
    g_autoptr (GError) error = NULL;
    g_autofree char *sid = NULL;
    guint16 bs = 0;
    gboolean ok = ja_ibb_transport_parse (n, &sid, &bs, &error);

    g_assert_cmpint (ok, ==, cases[i].ok);
    if (ok) {
      g_assert_cmpstr (sid, ==, "a1");
      g_assert_cmpuint (bs, ==, cases[i].bs);
    } else {
      g_assert_error (error, JA_XMPP_ERROR, JA_XMPP_ERROR_BAD_REQUEST);
    }
  }
}

static void
test_offer (void)
{
  const JaJingleTransportKind *k = &ja_ibb_transport_kind;
  JaJingleTransport *a = k->new_local (NULL, 1, NULL);
  JaJingleTransport *b = k->new_local (NULL, 1, NULL);
  g_autoptr (JaXmlNode) na = k->build (a, JA_JINGLE_ACTION_SESSION_INITIATE);
  g_autoptr (JaXmlNode) nb = k->build (b, JA_JINGLE_ACTION_SESSION_INITIATE);
  g_autofree char *bs = g_strdup_printf ("%u",
      JA_IBB_TRANSPORT_DEFAULT_BLOCK_SIZE);

  g_assert_true (ja_xml_node_is (na, "transport", JA_NS_JINGLE_IBB));
  g_assert_cmpstr (ja_xml_node_get_attr (na, "block-size"), ==, bs);
  g_assert_nonnull (ja_xml_node_get_attr (na, "sid"));
  g_assert_cmpstr (ja_xml_node_get_attr (na, "sid"), !=,
      ja_xml_node_get_attr (nb, "sid"));
  g_assert_cmpint (k->flavor, ==, JA_JINGLE_FLAVOR_STREAMING);
  g_assert_cmpint (k->priority, ==, 10);
  k->free (a);
  k->free (b);
}

static void
test_negotiate (void)
{
  const JaJingleTransportKind *k = &ja_ibb_transport_kind;
  JaJingleTransport *init = k->new_local (NULL, 1, NULL);
  g_autoptr (JaXmlNode) offer = k->build (init,
      JA_JINGLE_ACTION_SESSION_INITIATE);
  g_autoptr (JaXmlNode) big = transport ("sid=x block-size=65535");
  g_autoptr (JaXmlNode) answer = NULL;
  g_autoptr (JaXmlNode) small = NULL;
  g_autoptr (JaXmlNode) after = NULL;
  g_autoptr (JaXmlNode) other = transport ("sid=other block-size=100");
  g_autoptr (GError) error = NULL;
  JaJingleTransport *resp;

  /* A responder answers with at most what it accepts. */
  resp = k->new_remote (NULL, big, &error);
  g_assert_no_error (error);
  answer = k->build (resp, JA_JINGLE_ACTION_SESSION_ACCEPT);
  g_assert_cmpstr (ja_xml_node_get_attr (answer, "sid"), ==, "x");
  g_assert_cmpuint (atoi (ja_xml_node_get_attr (answer, "block-size")), ==,
      JA_IBB_TRANSPORT_DEFAULT_BLOCK_SIZE);
  k->free (resp);

  /* The initiator adopts a smaller answer, keeps its own over a larger. */
  small = transport ("sid=x block-size=4096");
  ja_xml_node_set_attr (small, "sid", ja_xml_node_get_attr (offer, "sid"));
  g_assert_true (k->accept_remote (init, small, &error));
  g_assert_no_error (error);
  after = k->build (init, JA_JINGLE_ACTION_SESSION_ACCEPT);
  g_assert_cmpstr (ja_xml_node_get_attr (after, "block-size"), ==, "4096");

  /* An answer without <transport/> changes nothing; another sid fails. */
  g_assert_true (k->accept_remote (init, NULL, &error));
  g_assert_false (k->accept_remote (init, other, &error));
  g_assert_error (error, JA_XMPP_ERROR, JA_XMPP_ERROR_BAD_REQUEST);
  k->free (init);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/ibb/transport/parse", test_parse);
  g_test_add_func ("/ibb/transport/offer", test_offer);
  g_test_add_func ("/ibb/transport/negotiate", test_negotiate);
  return g_test_run ();
}
