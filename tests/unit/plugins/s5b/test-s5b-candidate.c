/* test-s5b-candidate.c — the XEP-0260 codec and rules
 * (plugins/s5b/s5b-candidate.c): type strings and the §2.2 priority
 * formula, <candidate/> parse errors and round trips, offers sorted by
 * priority with their limits, transport-info payloads, and every case of
 * the §2.4 nomination; the kind without a stream (sid, answers). */
#include <string.h>

#include "plugins/s5b/s5b-candidate.h"
#include "plugins/s5b/s5b-transport.h"
#include "signalling/xml/xml-stream-parser.h"
#include "signalling/xmpp/ns.h"
#include "signalling/xmpp/xmpp-error.h"

static JaXmlNode *
parse (const char *xml)
{
  g_autoptr (GError) error = NULL;
  JaXmlNode *node = ja_xml_node_parse (xml, -1, &error);

  g_assert_no_error (error);
  g_assert_nonnull (node);
  return node;
}

#define S5B "xmlns='" JA_NS_JINGLE_S5B "'"

static void
test_types (void)
{
  JaS5bCandidateType t;
  g_autoptr (GError) error = NULL;

  g_assert_cmpuint (ja_s5b_candidate_priority (JA_S5B_CANDIDATE_DIRECT, 0),
      ==, 126u << 16);
  g_assert_cmpuint (ja_s5b_candidate_priority (JA_S5B_CANDIDATE_PROXY, 5),
      ==, (10u << 16) + 5);
  g_assert_cmpuint (ja_s5b_candidate_type_preference (
          JA_S5B_CANDIDATE_ASSISTED), ==, 120);
  g_assert_cmpuint (ja_s5b_candidate_type_preference (
          JA_S5B_CANDIDATE_TUNNEL), ==, 110);
  for (guint i = 0; i <= JA_S5B_CANDIDATE_PROXY; i++) {
    g_assert_true (ja_s5b_candidate_type_from_string (
            ja_s5b_candidate_type_to_string (i), &t, NULL));
    g_assert_cmpuint (t, ==, i);
  }
  g_assert_false (ja_s5b_candidate_type_from_string ("relay", &t, &error));
  g_assert_error (error, JA_XMPP_ERROR, JA_XMPP_ERROR_BAD_REQUEST);
}

static void
test_candidate (void)
{
  static const struct { const char *attrs; gboolean ok; } cases[] = {
    { "cid='a' host='192.0.2.1' jid='r@x/o' port='5086' priority='8257636' "
      "type='direct'", TRUE },
    { "cid='a' host='192.0.2.1' jid='r@x/o' port='5086' priority='1'", TRUE },
    { "host='192.0.2.1' jid='r@x/o' port='5086' priority='1'", FALSE },
    { "cid='a' jid='r@x/o' port='5086' priority='1'", FALSE },
    { "cid='a' host='h' port='5086' priority='1'", FALSE },
    { "cid='a' host='h' jid='j' priority='1'", FALSE },
    { "cid='a' host='h' jid='j' port='0' priority='1'", FALSE },
    { "cid='a' host='h' jid='j' port='65536' priority='1'", FALSE },
    { "cid='a' host='h' jid='j' port='1'", FALSE },
    { "cid='a' host='h' jid='j' port='1' priority='4294967296'", FALSE },
    { "cid='a' host='h' jid='j' port='1' priority='1' type='relay'", FALSE },
    { "cid='a b' host='h' jid='j' port='1' priority='1'", FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_autofree char *xml = g_strdup_printf ("<candidate " S5B " %s/>",
        cases[i].attrs);
    g_autoptr (JaXmlNode) n = parse (xml);
    g_autoptr (GError) error = NULL;
    g_autoptr (JaS5bCandidate) c = ja_s5b_candidate_from_node (n, &error);

    g_assert_cmpint (c != NULL, ==, cases[i].ok);
    if (c == NULL) {
      g_assert_error (error, JA_XMPP_ERROR, JA_XMPP_ERROR_BAD_REQUEST);
    } else {
      g_autoptr (JaXmlNode) back = ja_s5b_candidate_to_node (c);
      g_autoptr (JaS5bCandidate) again = ja_s5b_candidate_from_node (back,
          NULL);

      g_assert_cmpuint (c->type, ==, JA_S5B_CANDIDATE_DIRECT);
      g_assert_cmpstr (again->cid, ==, c->cid);
      g_assert_cmpstr (again->host, ==, c->host);
      g_assert_cmpstr (again->jid, ==, c->jid);
      g_assert_cmpuint (again->port, ==, c->port);
      g_assert_cmpuint (again->priority, ==, c->priority);
    }
  }
}

static void
test_offer (void)
{
  g_autoptr (JaXmlNode) n = parse ("<transport " S5B " sid='vj3hs98y' "
      "dstaddr='972b7bf47291ca609517f67f86b5081086052dad' mode='tcp'>"
      "<candidate cid='ht567dq' host='192.169.1.10' jid='romeo@montague.lit/orchard'"
      " port='6539' priority='8257636' type='direct'/>"
      "<candidate cid='hr65dqyd' host='134.102.201.180' jid='streamer.shakespeare.lit'"
      " port='16453' priority='7929856' type='proxy'/>"
      "<candidate cid='hutr46fe' host='24.24.24.1' jid='romeo@montague.lit/orchard'"
      " port='6539' priority='8257637' type='direct'/>"
      "</transport>");
  g_autoptr (JaXmlNode) udp = parse ("<transport " S5B " sid='a' mode='udp'/>");
  g_autoptr (JaXmlNode) nosid = parse ("<transport " S5B "/>");
  g_autoptr (GError) error = NULL;
  g_autoptr (JaS5bOffer) o = ja_s5b_offer_parse (n, &error);
  g_autoptr (JaXmlNode) built = NULL;
  g_autoptr (JaS5bOffer) again = NULL;
  g_autoptr (GString) many = g_string_new ("<transport " S5B " sid='a'>");

  g_assert_no_error (error);
  g_assert_cmpstr (o->sid, ==, "vj3hs98y");
  g_assert_cmpstr (o->dstaddr, ==, "972b7bf47291ca609517f67f86b5081086052dad");
  g_assert_cmpuint (o->candidates->len, ==, 3);
  /* Highest priority first. */
  g_assert_cmpstr (((JaS5bCandidate *) o->candidates->pdata[0])->cid, ==,
      "hutr46fe");
  g_assert_cmpstr (((JaS5bCandidate *) o->candidates->pdata[2])->cid, ==,
      "hr65dqyd");
  g_assert_cmpuint (((JaS5bCandidate *) o->candidates->pdata[2])->type, ==,
      JA_S5B_CANDIDATE_PROXY);
  built = ja_s5b_offer_build (o->sid, o->dstaddr, o->candidates);
  again = ja_s5b_offer_parse (built, NULL);
  g_assert_cmpuint (again->candidates->len, ==, 3);
  g_assert_cmpstr (again->dstaddr, ==, o->dstaddr);

  g_assert_null (ja_s5b_offer_parse (udp, NULL));
  g_assert_null (ja_s5b_offer_parse (nosid, NULL));
  for (guint i = 0; i <= JA_S5B_MAX_CANDIDATES; i++)
    g_string_append_printf (many, "<candidate cid='c%u' host='h' jid='j' "
        "port='1' priority='1'/>", i);
  g_string_append (many, "</transport>");
  {
    g_autoptr (JaXmlNode) m = parse (many->str);
    g_autoptr (GError) e2 = NULL;

    g_assert_null (ja_s5b_offer_parse (m, &e2));
    g_assert_error (e2, JA_XMPP_ERROR, JA_XMPP_ERROR_BAD_REQUEST);
  }
}

static void
test_info (void)
{
  static const struct {
    const char *xml;
    gboolean ok;
    JaS5bInfoKind kind;
    const char *cid;
  } cases[] = {
    { "<transport " S5B " sid='s'><candidate-used cid='hr65dqyd'/></transport>",
      TRUE, JA_S5B_INFO_CANDIDATE_USED, "hr65dqyd" },
    { "<transport " S5B " sid='s'><candidate-error/></transport>", TRUE,
      JA_S5B_INFO_CANDIDATE_ERROR, NULL },
    { "<transport " S5B " sid='s'><activated cid='x'/></transport>", TRUE,
      JA_S5B_INFO_ACTIVATED, "x" },
    { "<transport " S5B " sid='s'><proxy-error/></transport>", TRUE,
      JA_S5B_INFO_PROXY_ERROR, NULL },
    { "<transport " S5B " sid='s'><candidate-used/></transport>", FALSE, 0,
      NULL },
    { "<transport " S5B " sid='s'><activated/></transport>", FALSE, 0, NULL },
    { "<transport " S5B "><candidate-error/></transport>", FALSE, 0, NULL },
    { "<transport " S5B " sid='s'/>", FALSE, 0, NULL },
    { "<transport " S5B " sid='s'><other/></transport>", FALSE, 0, NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_autoptr (JaXmlNode) n = parse (cases[i].xml);
    g_autoptr (GError) error = NULL;
    g_autofree char *sid = NULL;
    g_autofree char *cid = NULL;
    JaS5bInfoKind kind;
    gboolean ok = ja_s5b_info_parse (n, &kind, &sid, &cid, &error);

    g_assert_cmpint (ok, ==, cases[i].ok);
    if (ok) {
      g_autoptr (JaXmlNode) back = ja_s5b_info_build (sid, kind, cid);
      g_autofree char *sid2 = NULL;
      g_autofree char *cid2 = NULL;
      JaS5bInfoKind kind2;

      g_assert_cmpuint (kind, ==, cases[i].kind);
      g_assert_cmpstr (cid, ==, cases[i].cid);
      g_assert_true (ja_s5b_info_parse (back, &kind2, &sid2, &cid2, NULL));
      g_assert_cmpuint (kind2, ==, kind);
      g_assert_cmpstr (cid2, ==, cid);
    } else {
      g_assert_error (error, JA_XMPP_ERROR, JA_XMPP_ERROR_BAD_REQUEST);
    }
  }
}

static void
test_nominate (void)
{
  g_autoptr (JaS5bCandidate) hi = ja_s5b_candidate_new ("h", "a", 1, "j",
      JA_S5B_CANDIDATE_DIRECT, ja_s5b_candidate_priority (
          JA_S5B_CANDIDATE_DIRECT, 10));
  g_autoptr (JaS5bCandidate) lo = ja_s5b_candidate_new ("l", "a", 1, "j",
      JA_S5B_CANDIDATE_PROXY, ja_s5b_candidate_priority (
          JA_S5B_CANDIDATE_PROXY, 10));
  g_autoptr (JaS5bCandidate) hi2 = ja_s5b_candidate_new ("h2", "b", 1, "j",
      JA_S5B_CANDIDATE_DIRECT, hi->priority);

  /* Both candidate-error: fall back. */
  g_assert_cmpint (ja_s5b_nominate (NULL, NULL, TRUE), ==,
      JA_S5B_NOMINATED_NONE);
  /* One used, one error: the used one. */
  g_assert_cmpint (ja_s5b_nominate (lo, NULL, FALSE), ==,
      JA_S5B_NOMINATED_REMOTE);
  g_assert_cmpint (ja_s5b_nominate (NULL, lo, TRUE), ==,
      JA_S5B_NOMINATED_LOCAL);
  /* Both used: the higher priority. */
  g_assert_cmpint (ja_s5b_nominate (hi, lo, FALSE), ==,
      JA_S5B_NOMINATED_REMOTE);
  g_assert_cmpint (ja_s5b_nominate (lo, hi, TRUE), ==,
      JA_S5B_NOMINATED_LOCAL);
  /* Same priority: the initiator's choice, seen from both sides. */
  g_assert_cmpint (ja_s5b_nominate (hi, hi2, TRUE), ==,
      JA_S5B_NOMINATED_REMOTE);
  g_assert_cmpint (ja_s5b_nominate (hi2, hi, FALSE), ==,
      JA_S5B_NOMINATED_LOCAL);
}

/* The kind without a stream (no JIDs, so no candidates): a fresh random
 * sid on offer, the peer's offer taken as is, an answer with another sid
 * refused; it ranks above IBB. */
static void
test_kind (void)
{
  const JaJingleTransportKind *k = &ja_s5b_transport_kind;
  JaJingleTransport *a = k->new_local (NULL, 1, NULL);
  JaJingleTransport *b = k->new_local (NULL, 1, NULL);
  g_autoptr (JaXmlNode) na = k->build (a, JA_JINGLE_ACTION_SESSION_INITIATE);
  g_autoptr (JaXmlNode) nb = k->build (b, JA_JINGLE_ACTION_SESSION_INITIATE);
  g_autoptr (JaXmlNode) other = parse ("<transport " S5B " sid='zzz'/>");
  g_autoptr (JaXmlNode) bad = parse ("<transport " S5B "/>");
  g_autoptr (GError) error = NULL;
  JaJingleTransport *r;

  g_assert_true (ja_xml_node_is (na, "transport", JA_NS_JINGLE_S5B));
  g_assert_nonnull (ja_xml_node_get_attr (na, "sid"));
  g_assert_cmpstr (ja_xml_node_get_attr (na, "sid"), !=,
      ja_xml_node_get_attr (nb, "sid"));
  g_assert_cmpstr (ja_xml_node_get_attr (na, "mode"), ==, "tcp");
  g_assert_null (ja_xml_node_get_attr (na, "dstaddr"));
  g_assert_cmpint (k->flavor, ==, JA_JINGLE_FLAVOR_STREAMING);
  g_assert_cmpint (k->priority, >, 10);
  g_assert_true (k->accept_remote (a, na, NULL));
  g_assert_false (k->accept_remote (a, other, &error));
  g_assert_error (error, JA_XMPP_ERROR, JA_XMPP_ERROR_BAD_REQUEST);
  g_clear_error (&error);
  g_assert_null (k->new_remote (NULL, bad, &error));
  g_assert_error (error, JA_XMPP_ERROR, JA_XMPP_ERROR_BAD_REQUEST);
  r = k->new_remote (NULL, nb, NULL);
  g_assert_nonnull (r);
  g_assert_null (ja_s5b_transport_get_candidate_type (r));
  k->free (r);
  k->free (a);
  k->free (b);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/s5b/candidate/types", test_types);
  g_test_add_func ("/s5b/candidate/candidate", test_candidate);
  g_test_add_func ("/s5b/candidate/offer", test_offer);
  g_test_add_func ("/s5b/candidate/info", test_info);
  g_test_add_func ("/s5b/candidate/nominate", test_nominate);
  g_test_add_func ("/s5b/candidate/kind", test_kind);
  return g_test_run ();
}
