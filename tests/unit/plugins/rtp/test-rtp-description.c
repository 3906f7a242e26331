/* test-rtp-description.c — XEP-0167 <description/> parse/build
 * (plugins/rtp/rtp-description.c) and the session-info payloads
 * (rtp-info.c): the XEP examples (the fuzz seeds, extracted verbatim from
 * the specs), a browser-style session-initiate written from XEP-0167/0293/
 * 0294/0338/0339 and FIELD-NOTES, round trips, and malformed input, which
 * must be JA_XMPP_ERROR_BAD_REQUEST with a text naming the fault. */

#include <string.h>

#include <glib.h>

#include "plugins/rtp/rtp-description.h"
#include "plugins/rtp/rtp-info.h"
#include "signalling/jingle/jingle-message.h"
#include "signalling/xml/xml-stream-parser.h"
#include "signalling/xml/xml-writer.h"
#include "signalling/xmpp/ns.h"
#include "signalling/xmpp/xmpp-error.h"

static JaXmlNode *
load_seed (const char *target, const char *name)
{
  g_autofree char *path = g_build_filename (JA_CORPUS_DIR, target, name, NULL);
  g_autofree char *text = NULL;
  g_autoptr (GError) error = NULL;
  gsize len;
  JaXmlNode *node;

  g_assert_true (g_file_get_contents (path, &text, &len, &error));
  node = ja_xml_node_parse (text, len, &error);
  g_assert_no_error (error);
  return node;
}

static JaXmlNode *
parse_xml (const char *xml)
{
  g_autoptr (GError) error = NULL;
  JaXmlNode *node = ja_xml_node_parse (xml, -1, &error);

  g_assert_no_error (error);
  return node;
}

/* Collect every element named name in ns below node. */
static void
collect (const JaXmlNode *node, const char *name, const char *ns,
    GPtrArray *out)
{
  if (ja_xml_node_is (node, name, ns))
    g_ptr_array_add (out, (gpointer) node);
  for (guint i = 0; i < ja_xml_node_get_n_children (node); i++)
    collect (ja_xml_node_get_child (node, i), name, ns, out);
}

static char *
build_string (const JaRtpDescription *d)
{
  g_autoptr (JaXmlNode) node = ja_rtp_description_build (d);

  return ja_xml_node_to_string (node, NULL);
}

/* parse → build → parse gives the same serialisation. */
static void
assert_round_trip (const JaRtpDescription *d)
{
  g_autoptr (JaXmlNode) built = ja_rtp_description_build (d);
  g_autoptr (GError) error = NULL;
  g_autoptr (JaRtpDescription) again = ja_rtp_description_parse (built,
      &error);
  g_autofree char *a = NULL, *b = NULL;

  g_assert_no_error (error);
  a = build_string (d);
  b = build_string (again);
  g_assert_cmpstr (a, ==, b);
}

static const JaRtpPayloadType *
pt_by_id (const JaRtpDescription *d, guint id)
{
  for (guint i = 0; i < d->payload_types->len; i++) {
    const JaRtpPayloadType *pt = g_ptr_array_index (d->payload_types, i);

    if (pt->id == id)
      return pt;
  }
  return NULL;
}

/* Every RTP description in every XEP example parses and round-trips. */
static void
test_xep_examples (void)
{
  g_autoptr (GDir) dir = NULL;
  g_autofree char *path = g_build_filename (JA_CORPUS_DIR, "rtp-description",
      NULL);
  const char *name;
  guint n_descriptions = 0;

  dir = g_dir_open (path, 0, NULL);
  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL) {
    g_autoptr (JaXmlNode) root = NULL;
    g_autoptr (GPtrArray) found = g_ptr_array_new ();

    if (!g_str_has_prefix (name, "xep-"))
      continue;
    root = load_seed ("rtp-description", name);
    collect (root, "description", JA_NS_JINGLE_RTP, found);
    for (guint i = 0; i < found->len; i++) {
      g_autoptr (GError) error = NULL;
      g_autoptr (JaRtpDescription) d = ja_rtp_description_parse (
          g_ptr_array_index (found, i), &error);

      if (error != NULL)
        g_test_message ("%s: %s", name, error->message);
      g_assert_no_error (error);
      assert_round_trip (d);
      n_descriptions++;
    }
  }
  /* XEP-0167, 0293 and 0294 hold more than twenty between them. */
  g_assert_cmpuint (n_descriptions, >=, 20);
}

/* XEP-0167 Example 1, field by field. */
static void
test_xep_0167_example_1 (void)
{
  g_autoptr (JaXmlNode) root = load_seed ("rtp-description", "xep-0167-ex01");
  g_autoptr (GPtrArray) found = g_ptr_array_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (JaRtpDescription) d = NULL;
  const JaRtpPayloadType *pt;

  collect (root, "description", JA_NS_JINGLE_RTP, found);
  g_assert_cmpuint (found->len, ==, 1);
  d = ja_rtp_description_parse (g_ptr_array_index (found, 0), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (d->media, ==, "audio");
  g_assert_cmpuint (d->payload_types->len, ==, 6);
  pt = g_ptr_array_index (d->payload_types, 0);
  g_assert_cmpuint (pt->id, ==, 96);
  g_assert_cmpstr (pt->name, ==, "speex");
  g_assert_cmpuint (pt->clockrate, ==, 16000);
  g_assert_cmpuint (pt->channels, ==, 1);
  /* <payload-type id='18' name='G729'/>: no clockrate on the wire, the
   * static table gives 8000. */
  pt = pt_by_id (d, 18);
  g_assert_nonnull (pt);
  g_assert_cmpuint (pt->clockrate, ==, 0);
  g_assert_cmpuint (ja_rtp_payload_type_get_clockrate (pt), ==, 8000);
  pt = pt_by_id (d, 103);
  g_assert_cmpstr (pt->name, ==, "L16");
  g_assert_cmpuint (pt->channels, ==, 2);
  g_assert_false (d->rtcp_mux);
  g_assert_false (d->has_ssrc);
}

/* XEP-0293 Example 1 (rtcp-fb in and beside payload types) and XEP-0294
 * Example 1 (header extensions). */
static void
test_xep_0293_0294 (void)
{
  g_autoptr (JaXmlNode) fb_root = load_seed ("rtp-description",
      "xep-0293-ex01");
  g_autoptr (JaXmlNode) ext_root = load_seed ("rtp-description",
      "xep-0294-ex01");
  g_autoptr (GPtrArray) found = g_ptr_array_new ();
  g_autoptr (JaRtpDescription) d = NULL;
  g_autoptr (JaRtpDescription) e = NULL;
  guint n_fb = 0;

  collect (fb_root, "description", JA_NS_JINGLE_RTP, found);
  g_assert_cmpuint (found->len, >=, 1);
  d = ja_rtp_description_parse (g_ptr_array_index (found, 0), NULL);
  g_assert_nonnull (d);
  for (guint i = 0; i < d->payload_types->len; i++) {
    const JaRtpPayloadType *pt = g_ptr_array_index (d->payload_types, i);

    n_fb += pt->feedback->len;
  }
  g_assert_cmpuint (n_fb + d->feedback->len, >, 0);

  g_ptr_array_set_size (found, 0);
  collect (ext_root, "description", JA_NS_JINGLE_RTP, found);
  g_assert_cmpuint (found->len, >=, 1);
  e = ja_rtp_description_parse (g_ptr_array_index (found, 0), NULL);
  g_assert_nonnull (e);
  /* Example 1 offers toffset on id 1 and ntp-64/ntp-56 on id 4907,
   * outside the 1-256/4096-4351 its own table allows: those two are
   * dropped, the session survives. */
  g_assert_cmpuint (e->hdrexts->len, ==, 1);
  g_assert_cmpuint (e->skipped_hdrexts, ==, 2);
  g_assert_true (e->extmap_allow_mixed);
  for (guint i = 0; i < e->hdrexts->len; i++) {
    const JaRtpHdrext *ext = g_ptr_array_index (e->hdrexts, i);

    g_assert_true ((ext->id >= 1 && ext->id <= 256)
        || (ext->id >= 4096 && ext->id <= 4351));
    g_assert_nonnull (ext->uri);
  }
}

/* The browser-style session-initiate: the Jingle parser takes it (BUNDLE
 * group, no initiator) and both descriptions parse with what browsers
 * put in them. */
static void
test_browser_offer (void)
{
  g_autoptr (JaXmlNode) iq = load_seed ("rtp-description",
      "browser-session-initiate");
  JaXmlNode *jingle = ja_xml_node_find (iq, "jingle", JA_NS_JINGLE);
  g_autoptr (GError) error = NULL;
  g_autoptr (JaJingleMessage) msg = ja_jingle_message_parse (jingle, &error);
  g_autoptr (JaRtpDescription) audio = NULL;
  g_autoptr (JaRtpDescription) video = NULL;
  const JaJingleMessageContent *c;
  const JaRtpPayloadType *pt;
  const JaRtpSource *src;
  const JaRtpSsrcGroup *group;

  g_assert_no_error (error);
  g_assert_null (msg->initiator);
  c = ja_jingle_message_find_content (msg, JA_JINGLE_ROLE_INITIATOR, "0");
  g_assert_nonnull (c);
  audio = ja_rtp_description_parse (c->description, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (audio->media, ==, "audio");
  g_assert_cmpuint (audio->payload_types->len, ==, 8);
  pt = g_ptr_array_index (audio->payload_types, 0);
  g_assert_cmpuint (pt->id, ==, 111);
  g_assert_cmpstr (pt->name, ==, "opus");
  g_assert_cmpuint (pt->clockrate, ==, 48000);
  g_assert_cmpuint (pt->channels, ==, 2);
  g_assert_cmpstr (ja_rtp_payload_type_get_param (pt, "useinbandfec"), ==,
      "1");
  g_assert_cmpuint (pt->feedback->len, ==, 1);
  /* red's <parameter name='111/111'/> has no value */
  pt = pt_by_id (audio, 63);
  g_assert_cmpuint (pt->params->len, ==, 1);
  g_assert_cmpstr (((JaRtpParam *) g_ptr_array_index (pt->params, 0))->name,
      ==, "111/111");
  g_assert_null (((JaRtpParam *) g_ptr_array_index (pt->params, 0))->value);
  g_assert_cmpuint (audio->hdrexts->len, ==, 4);
  g_assert_true (audio->extmap_allow_mixed);
  g_assert_cmpuint (audio->sources->len, ==, 1);
  src = g_ptr_array_index (audio->sources, 0);
  g_assert_cmpuint (src->ssrc, ==, 3735928559u);
  g_assert_cmpuint (src->params->len, ==, 2);
  g_assert_true (audio->rtcp_mux);
  g_assert_true (audio->rtcp_reduced_size);
  assert_round_trip (audio);

  c = ja_jingle_message_find_content (msg, JA_JINGLE_ROLE_INITIATOR, "1");
  g_assert_nonnull (c);
  video = ja_rtp_description_parse (c->description, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (video->media, ==, "video");
  g_assert_cmpuint (video->payload_types->len, ==, 8);
  pt = pt_by_id (video, 96);
  g_assert_cmpstr (pt->name, ==, "VP8");
  g_assert_cmpuint (pt->feedback->len, ==, 5);
  g_assert_cmpuint (video->sources->len, ==, 2);
  g_assert_cmpuint (video->ssrc_groups->len, ==, 1);
  group = g_ptr_array_index (video->ssrc_groups, 0);
  g_assert_cmpstr (group->semantics, ==, "FID");
  g_assert_cmpuint (group->ssrcs->len, ==, 2);
  g_assert_cmpuint (g_array_index (group->ssrcs, guint32, 0), ==, 1111111111u);
  g_assert_cmpuint (g_array_index (group->ssrcs, guint32, 1), ==, 2222222222u);
  assert_round_trip (video);
}

/* Everything the struct holds survives build → parse. */
static void
test_round_trip (void)
{
  g_autoptr (JaRtpDescription) d = ja_rtp_description_new ("audio");
  g_autoptr (JaRtpDescription) back = NULL;
  g_autoptr (JaXmlNode) node = NULL;
  g_autoptr (GError) error = NULL;
  JaRtpPayloadType *pt = ja_rtp_payload_type_new (111, "opus", 48000, 2);
  JaRtpSsrcGroup *group;
  JaRtpSource *src;
  const JaRtpPayloadType *bpt;
  const JaRtpHdrext *ext;
  guint32 ssrcs[] = { 1, G_MAXUINT32 };

  ja_rtp_payload_type_add_param (pt, "minptime", "10");
  ja_rtp_payload_type_add_param (pt, "flag", NULL);
  ja_rtp_payload_type_add_feedback (pt, "nack", "pli");
  pt->ptime = 20;
  pt->maxptime = 120;
  g_ptr_array_add (d->payload_types, pt);
  g_ptr_array_add (d->payload_types, ja_rtp_payload_type_new (0, NULL, 0, 1));
  d->has_ssrc = TRUE;
  d->ssrc = G_MAXUINT32;
  ja_rtp_description_add_hdrext (d, 4351, "urn:x", "initiator");
  d->extmap_allow_mixed = TRUE;
  src = ja_rtp_description_add_source (d, 42);
  ja_rtp_source_add_param (src, "cname", "abc");
  group = ja_rtp_description_add_ssrc_group (d, "FID");
  g_array_append_vals (group->ssrcs, ssrcs, 2);
  d->rtcp_mux = TRUE;
  d->rtcp_reduced_size = TRUE;
  d->bandwidth_type = g_strdup ("AS");
  d->bandwidth = 128;

  node = ja_rtp_description_build (d);
  back = ja_rtp_description_parse (node, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (back->media, ==, "audio");
  g_assert_true (back->has_ssrc);
  g_assert_cmpuint (back->ssrc, ==, G_MAXUINT32);
  g_assert_cmpuint (back->payload_types->len, ==, 2);
  bpt = g_ptr_array_index (back->payload_types, 0);
  g_assert_cmpuint (bpt->id, ==, 111);
  g_assert_cmpuint (bpt->channels, ==, 2);
  g_assert_cmpuint (bpt->ptime, ==, 20);
  g_assert_cmpuint (bpt->maxptime, ==, 120);
  g_assert_cmpstr (ja_rtp_payload_type_get_param (bpt, "minptime"), ==, "10");
  g_assert_cmpuint (bpt->params->len, ==, 2);
  g_assert_null (ja_rtp_payload_type_get_param (bpt, "flag"));
  g_assert_cmpstr (((JaRtpFeedback *) g_ptr_array_index (bpt->feedback, 0))
      ->subtype, ==, "pli");
  bpt = g_ptr_array_index (back->payload_types, 1);
  g_assert_null (bpt->name);
  g_assert_cmpstr (ja_rtp_payload_type_get_name (bpt), ==, "PCMU");
  g_assert_cmpuint (ja_rtp_payload_type_get_clockrate (bpt), ==, 8000);
  ext = g_ptr_array_index (back->hdrexts, 0);
  g_assert_cmpuint (ext->id, ==, 4351);
  g_assert_cmpstr (ext->senders, ==, "initiator");
  g_assert_true (back->extmap_allow_mixed);
  g_assert_cmpuint (((JaRtpSource *) g_ptr_array_index (back->sources, 0))
      ->ssrc, ==, 42);
  group = g_ptr_array_index (back->ssrc_groups, 0);
  g_assert_cmpuint (g_array_index (group->ssrcs, guint32, 1), ==, G_MAXUINT32);
  g_assert_true (back->rtcp_mux);
  g_assert_true (back->rtcp_reduced_size);
  g_assert_cmpstr (back->bandwidth_type, ==, "AS");
  g_assert_cmpuint (back->bandwidth, ==, 128);
  assert_round_trip (back);
}

static void
test_static_ids (void)
{
  g_autoptr (JaRtpPayloadType) pcma = ja_rtp_payload_type_new (8, NULL, 0, 0);
  g_autoptr (JaRtpPayloadType) dyn = ja_rtp_payload_type_new (100, NULL, 0, 0);

  g_assert_cmpstr (ja_rtp_payload_type_get_name (pcma), ==, "PCMA");
  g_assert_cmpuint (ja_rtp_payload_type_get_clockrate (pcma), ==, 8000);
  g_assert_cmpuint (pcma->channels, ==, 1);
  g_assert_null (ja_rtp_payload_type_get_name (dyn));
  g_assert_cmpuint (ja_rtp_payload_type_get_clockrate (dyn), ==, 0);
}

#define D_OPEN "<description xmlns='urn:xmpp:jingle:apps:rtp:1' media='audio'>"
#define D_CLOSE "</description>"

static const struct {
  const char *xml;
  const char *says;             /* a substring of the error text */
} malformed[] = {
  { "<description xmlns='urn:xmpp:jingle:apps:rtp:1'/>", "media" },
  { "<description xmlns='urn:xmpp:jingle:apps:rtp:1' media=''/>", "media" },
  { "<description xmlns='urn:xmpp:jingle:apps:rtp:0' media='audio'/>",
    "not a <description" },
  { D_OPEN "<payload-type id='128' name='x'/>" D_CLOSE, "id '128'" },
  { D_OPEN "<payload-type id='-1' name='x'/>" D_CLOSE, "id '-1'" },
  { D_OPEN "<payload-type id='abc' name='x'/>" D_CLOSE, "id 'abc'" },
  { D_OPEN "<payload-type name='x'/>" D_CLOSE, "lacks id" },
  { D_OPEN "<payload-type id='96' name='x' clockrate='4294967296'/>" D_CLOSE,
    "clockrate" },
  { D_OPEN "<payload-type id='96' name='x' channels='0'/>" D_CLOSE,
    "channels" },
  { D_OPEN "<payload-type id='96'/><payload-type id='96'/>" D_CLOSE,
    "two <payload-type/> with id 96" },
  { D_OPEN "<payload-type id='96'><parameter value='1'/></payload-type>"
    D_CLOSE, "<parameter/> without name" },
  { D_OPEN "<payload-type id='96'><rtcp-fb "
    "xmlns='urn:xmpp:jingle:apps:rtp:rtcp-fb:0'/></payload-type>" D_CLOSE,
    "<rtcp-fb/> without type" },
  { "<description xmlns='urn:xmpp:jingle:apps:rtp:1' media='audio' "
    "ssrc='4294967296'/>", "ssrc" },
  { D_OPEN "<source xmlns='urn:xmpp:jingle:apps:rtp:ssma:0' ssrc='-5'/>"
    D_CLOSE, "ssrc" },
  { D_OPEN "<source xmlns='urn:xmpp:jingle:apps:rtp:ssma:0'/>" D_CLOSE,
    "lacks ssrc" },
  { D_OPEN "<ssrc-group xmlns='urn:xmpp:jingle:apps:rtp:ssma:0' "
    "semantics='FID'><source ssrc='x'/></ssrc-group>" D_CLOSE, "ssrc" },
  { D_OPEN "<ssrc-group xmlns='urn:xmpp:jingle:apps:rtp:ssma:0'/>" D_CLOSE,
    "semantics" },
  { D_OPEN "<bandwidth type='AS'>lots</bandwidth>" D_CLOSE, "bandwidth" },
};

static void
test_malformed (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (malformed); i++) {
    g_autoptr (JaXmlNode) node = parse_xml (malformed[i].xml);
    g_autoptr (GError) error = NULL;
    g_autoptr (JaRtpDescription) d = ja_rtp_description_parse (node, &error);

    g_test_message ("%s", malformed[i].xml);
    g_assert_null (d);
    g_assert_error (error, JA_XMPP_ERROR, JA_XMPP_ERROR_BAD_REQUEST);
    if (strstr (error->message, malformed[i].says) == NULL)
      g_error ("'%s' does not say '%s'", error->message, malformed[i].says);
  }
}

/* What deployed peers send and the header promises to take. */
static void
test_lenient (void)
{
  g_autoptr (JaXmlNode) node = parse_xml (D_OPEN
      "<payload-type id='0'/>"
      "<payload-type id='97' name='' clockrate='8000'>"
      "  <parameter name='apt'/><rtcp-fb-trr-int "
      "   xmlns='urn:xmpp:jingle:apps:rtp:rtcp-fb:0' value='100'/>"
      "  <unknown xmlns='urn:example'/></payload-type>"
      "<encryption required='0'/>"
      "<stream xmlns='urn:xmpp:jingle:apps:rtp:msid:0' id='s'/>"
      "<source xmlns='urn:xmpp:jingle:apps:rtp:ssma:0' ssrc='0'>"
      "  <parameter name='cname'/></source>"
      "<rtp-hdrext xmlns='urn:xmpp:jingle:apps:rtp:rtp-hdrext:0' id='300' "
      "  uri='urn:x'/>"
      "<rtp-hdrext xmlns='urn:xmpp:jingle:apps:rtp:rtp-hdrext:0' id='0' "
      "  uri='urn:x'/>"
      "<rtp-hdrext xmlns='urn:xmpp:jingle:apps:rtp:rtp-hdrext:0' id='1'/>"
      "<rtp-hdrext xmlns='urn:xmpp:jingle:apps:rtp:rtp-hdrext:0' id='2' "
      "  uri='urn:x' senders='everyone'/>"
      "<rtp-hdrext xmlns='urn:xmpp:jingle:apps:rtp:rtp-hdrext:0' id='4096' "
      "  uri='urn:ok'/>"
      D_CLOSE);
  g_autoptr (GError) error = NULL;
  g_autoptr (JaRtpDescription) d = ja_rtp_description_parse (node, &error);
  const JaRtpPayloadType *pt;

  g_assert_no_error (error);
  g_assert_cmpuint (d->payload_types->len, ==, 2);
  pt = g_ptr_array_index (d->payload_types, 0);
  g_assert_cmpstr (ja_rtp_payload_type_get_name (pt), ==, "PCMU");
  pt = g_ptr_array_index (d->payload_types, 1);
  g_assert_null (pt->name);
  g_assert_cmpuint (pt->params->len, ==, 1);
  g_assert_cmpuint (pt->feedback->len, ==, 0);
  g_assert_cmpuint (d->sources->len, ==, 1);
  /* header extensions with a bad id, no uri or unknown senders are
   * dropped and counted; the good one stays */
  g_assert_cmpuint (d->hdrexts->len, ==, 1);
  g_assert_cmpuint (((JaRtpHdrext *) g_ptr_array_index (d->hdrexts, 0))->id,
      ==, 4096);
  g_assert_cmpuint (d->skipped_hdrexts, ==, 4);
}

/* ---- session-info ------------------------------------------------------ */

static void
test_info_xep_examples (void)
{
  g_autoptr (GDir) dir = NULL;
  g_autofree char *path = g_build_filename (JA_CORPUS_DIR, "rtp-info", NULL);
  const char *name;
  guint seen = 0, muting = 0;

  dir = g_dir_open (path, 0, NULL);
  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL) {
    g_autoptr (JaXmlNode) root = NULL;
    JaXmlNode *jingle, *payload;
    g_autoptr (GError) error = NULL;
    g_autoptr (JaRtpInfo) info = NULL;

    if (!g_str_has_prefix (name, "xep-"))
      continue;
    root = load_seed ("rtp-info", name);
    jingle = ja_xml_node_find (root, "jingle", JA_NS_JINGLE);
    if (jingle == NULL)
      continue;
    payload = ja_xml_node_find_ns (jingle, JA_NS_JINGLE_RTP_INFO);
    g_assert_nonnull (payload);
    info = ja_rtp_info_parse (payload, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (ja_rtp_info_type_to_string (info->type), ==,
        payload->name);
    if (info->type == JA_RTP_INFO_MUTE || info->type == JA_RTP_INFO_UNMUTE) {
      /* the spec's mute/unmute come from Juliet for her 'voice' */
      g_assert_cmpint (info->creator, ==, JA_JINGLE_ROLE_RESPONDER);
      g_assert_cmpstr (info->name, ==, "voice");
      muting++;
    }
    seen++;
  }
  g_assert_cmpuint (seen, >=, 6);     /* active, hold, unhold, mute, unmute, ringing */
  g_assert_cmpuint (muting, ==, 2);
}

static void
test_info_round_trip (void)
{
  for (JaRtpInfoType t = JA_RTP_INFO_ACTIVE; t <= JA_RTP_INFO_RINGING; t++) {
    g_autoptr (JaRtpInfo) info = ja_rtp_info_new (t);
    g_autoptr (JaXmlNode) node = NULL;
    g_autoptr (JaRtpInfo) back = NULL;
    g_autoptr (GError) error = NULL;

    if (t == JA_RTP_INFO_MUTE) {
      info->creator = JA_JINGLE_ROLE_INITIATOR;
      info->name = g_strdup ("audio");
    }
    node = ja_rtp_info_build (info);
    g_assert_cmpstr (node->ns, ==, JA_NS_JINGLE_RTP_INFO);
    back = ja_rtp_info_parse (node, &error);
    g_assert_no_error (error);
    g_assert_cmpint (back->type, ==, t);
    g_assert_cmpstr (back->name, ==, info->name);
    g_assert_cmpint (back->creator, ==, info->creator);
  }
}

static void
test_info_refused (void)
{
  static const struct {
    const char *xml;
    int code;
  } cases[] = {
    { "<mute xmlns='urn:xmpp:jingle:apps:rtp:info:1'/>",
      JA_XMPP_ERROR_BAD_REQUEST },
    { "<unmute xmlns='urn:xmpp:jingle:apps:rtp:info:1' creator='me'/>",
      JA_XMPP_ERROR_BAD_REQUEST },
    { "<mute xmlns='urn:xmpp:jingle:apps:rtp:info:1' creator='initiator' "
      "name=''/>", JA_XMPP_ERROR_BAD_REQUEST },
    { "<busy xmlns='urn:xmpp:jingle:apps:rtp:info:1'/>",
      JA_XMPP_ERROR_FEATURE_NOT_IMPLEMENTED },
    { "<ringing xmlns='urn:example:other'/>",
      JA_XMPP_ERROR_FEATURE_NOT_IMPLEMENTED },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_autoptr (JaXmlNode) node = parse_xml (cases[i].xml);
    g_autoptr (GError) error = NULL;
    g_autoptr (JaRtpInfo) info = ja_rtp_info_parse (node, &error);

    g_assert_null (info);
    g_assert_error (error, JA_XMPP_ERROR, cases[i].code);
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_log_set_always_fatal (G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);

  g_test_add_func ("/rtp/description/xep-examples", test_xep_examples);
  g_test_add_func ("/rtp/description/xep-0167-example-1",
      test_xep_0167_example_1);
  g_test_add_func ("/rtp/description/xep-0293-0294", test_xep_0293_0294);
  g_test_add_func ("/rtp/description/browser-offer", test_browser_offer);
  g_test_add_func ("/rtp/description/round-trip", test_round_trip);
  g_test_add_func ("/rtp/description/static-ids", test_static_ids);
  g_test_add_func ("/rtp/description/malformed", test_malformed);
  g_test_add_func ("/rtp/description/lenient", test_lenient);
  g_test_add_func ("/rtp/info/xep-examples", test_info_xep_examples);
  g_test_add_func ("/rtp/info/round-trip", test_info_round_trip);
  g_test_add_func ("/rtp/info/refused", test_info_refused);
  return g_test_run ();
}
