/* fuzz-s5b-transport.c — libFuzzer target for the XEP-0260 codec
 * (plugins/s5b/s5b-candidate.c): the input is one XML document; every
 * element in the s5b namespace is tried as an offer/answer <transport/>, as
 * a transport-info payload (candidate-used, candidate-error, activated,
 * proxy-error) and as a <candidate/>. Oracles: a parse either succeeds or
 * sets an error; an offer keeps at most JA_S5B_MAX_CANDIDATES, sorted by
 * priority, each with a port and bounded ids; what parses builds back to a
 * tree that parses to the same serialisation; the §2.4 rule agrees on both
 * sides for every pair of parsed candidates; no input reaches g_warning or
 * g_critical. */

#include <stdint.h>
#include <string.h>

#include <glib.h>

#include "plugins/s5b/s5b-candidate.h"
#include "signalling/xml/xml-stream-parser.h"
#include "signalling/xml/xml-writer.h"
#include "signalling/xmpp/ns.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static void
check_candidate (const JaS5bCandidate *c)
{
  g_autoptr (JaXmlNode) built = ja_s5b_candidate_to_node (c);
  g_autoptr (JaS5bCandidate) again = ja_s5b_candidate_from_node (built, NULL);

  g_assert (c->port > 0);
  g_assert (strlen (c->cid) <= JA_S5B_MAX_ID_LEN);
  g_assert (strlen (c->host) <= JA_S5B_MAX_ID_LEN);
  g_assert (strlen (c->jid) <= JA_S5B_MAX_ID_LEN);
  g_assert (c->type <= JA_S5B_CANDIDATE_PROXY);
  g_assert (again != NULL);
  g_assert (g_str_equal (again->cid, c->cid) && g_str_equal (again->host,
          c->host) && g_str_equal (again->jid, c->jid));
  g_assert (again->port == c->port && again->priority == c->priority
      && again->type == c->type);
}

/* Both parties reach the same verdict (§2.4). */
static void
check_nomination (const JaS5bCandidate *a, const JaS5bCandidate *b)
{
  for (int init = 0; init < 2; init++) {
    JaS5bNomination here = ja_s5b_nominate (a, b, init);
    JaS5bNomination there = ja_s5b_nominate (b, a, !init);

    g_assert ((here == JA_S5B_NOMINATED_NONE)
        == (there == JA_S5B_NOMINATED_NONE));
    if (here == JA_S5B_NOMINATED_REMOTE)
      g_assert (there == JA_S5B_NOMINATED_LOCAL);
    if (here == JA_S5B_NOMINATED_LOCAL)
      g_assert (there == JA_S5B_NOMINATED_REMOTE);
  }
}

static void
check_offer (const JaS5bOffer *offer)
{
  g_autoptr (JaXmlNode) built = ja_s5b_offer_build (offer->sid,
      offer->dstaddr, offer->candidates);
  g_autofree char *xml = ja_xml_node_to_string (built, NULL);
  g_autoptr (JaS5bOffer) again = ja_s5b_offer_parse (built, NULL);
  g_autoptr (JaXmlNode) rebuilt = NULL;
  g_autofree char *xml2 = NULL;
  GPtrArray *cands = offer->candidates;

  g_assert (cands->len <= JA_S5B_MAX_CANDIDATES);
  for (guint i = 0; i < cands->len; i++) {
    const JaS5bCandidate *c = g_ptr_array_index (cands, i);

    check_candidate (c);
    if (i > 0)
      g_assert (((JaS5bCandidate *) g_ptr_array_index (cands, i - 1))->priority
          >= c->priority);
    check_nomination (c, g_ptr_array_index (cands, 0));
    check_nomination (c, NULL);
  }
  g_assert (again != NULL);
  rebuilt = ja_s5b_offer_build (again->sid, again->dstaddr,
      again->candidates);
  xml2 = ja_xml_node_to_string (rebuilt, NULL);
  g_assert (strcmp (xml, xml2) == 0);
}

static void
try_node (const JaXmlNode *node)
{
  if (g_strcmp0 (node->ns, JA_NS_JINGLE_S5B) == 0) {
    g_autoptr (GError) error = NULL;
    g_autoptr (JaS5bOffer) offer = ja_s5b_offer_parse (node, &error);
    g_autoptr (JaS5bCandidate) cand = NULL;
    g_autofree char *sid = NULL;
    g_autofree char *cid = NULL;
    JaS5bInfoKind kind;

    g_assert ((offer == NULL) == (error != NULL));
    if (offer != NULL)
      check_offer (offer);
    g_clear_error (&error);

    if (ja_s5b_info_parse (node, &kind, &sid, &cid, &error)) {
      g_autoptr (JaXmlNode) built = ja_s5b_info_build (sid, kind, cid);
      g_autofree char *sid2 = NULL;
      g_autofree char *cid2 = NULL;
      JaS5bInfoKind kind2;

      g_assert (error == NULL && sid != NULL);
      g_assert (kind <= JA_S5B_INFO_PROXY_ERROR);
      g_assert (cid != NULL || (kind != JA_S5B_INFO_CANDIDATE_USED
              && kind != JA_S5B_INFO_ACTIVATED));
      g_assert (ja_s5b_info_parse (built, &kind2, &sid2, &cid2, NULL));
      g_assert (kind2 == kind && g_str_equal (sid, sid2)
          && g_strcmp0 (cid, cid2) == 0);
    } else {
      g_assert (error != NULL);
    }
    g_clear_error (&error);

    cand = ja_s5b_candidate_from_node (node, &error);
    g_assert ((cand == NULL) == (error != NULL));
    if (cand != NULL)
      check_candidate (cand);
  }
  for (guint i = 0; i < ja_xml_node_get_n_children (node); i++)
    try_node (ja_xml_node_get_child (node, i));
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  static gboolean once;
  g_autoptr (JaXmlNode) root = NULL;

  if (!once) {      /* a peer must never reach g_warning/g_critical */
    g_log_set_always_fatal (G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
    once = TRUE;
  }
  root = ja_xml_node_parse ((const char *) data, size, NULL);
  if (root != NULL)
    try_node (root);
  return 0;
}
