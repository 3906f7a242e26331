/* test-rtp-negotiate.c — the payload-type offer/answer
 * (plugins/rtp/rtp-negotiate.c) over the codec table (media/codecs.c):
 * our offer is the table, the answer keeps the offer's ids and order,
 * opus only as 48000/2, static ids without a name, telephone-event only
 * beside a codec, nothing in common → JA_XMPP_ERROR_NOT_ACCEPTABLE. The
 * build needs GStreamer's base/good plugins (opus, mulaw, alaw, dtmf,
 * vp8): the project's packages list them. */

#include <string.h>

#include <glib.h>

#include "media/codecs.h"
#include "plugins/rtp/rtp-negotiate.h"
#include "signalling/jingle/jingle-message.h"
#include "signalling/xml/xml-stream-parser.h"
#include "signalling/xml/xml-writer.h"
#include "signalling/xmpp/ns.h"
#include "signalling/xmpp/xmpp-error.h"

static JaRtpDescription *
parse_description (const char *xml)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JaXmlNode) node = ja_xml_node_parse (xml, -1, &error);
  JaRtpDescription *d;

  g_assert_no_error (error);
  d = ja_rtp_description_parse (node, &error);
  g_assert_no_error (error);
  return d;
}

/* "111 opus/48000/2, 0 PCMU/8000/1, …" — what a user reads off a call log. */
static char *
describe (const JaRtpDescription *d)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < d->payload_types->len; i++) {
    const JaRtpPayloadType *pt = g_ptr_array_index (d->payload_types, i);

    g_string_append_printf (s, "%s%u %s/%u/%u", i ? ", " : "", pt->id,
        ja_rtp_payload_type_get_name (pt),
        ja_rtp_payload_type_get_clockrate (pt), pt->channels);
  }
  return g_string_free (s, FALSE);
}

/* The codecs this build must have (FIELD-NOTES: Debian's plugins). */
static void
test_codec_table (void)
{
  const JaCodecInfo *const *list;
  guint n;

  list = ja_codecs_list (JA_MEDIA_AUDIO, &n);
  g_assert_cmpuint (n, ==, 5);
  g_assert_cmpstr (list[0]->name, ==, "opus");
  g_assert_cmpuint (list[0]->default_pt, ==, 111);
  g_assert_cmpstr (list[1]->name, ==, "PCMU");
  g_assert_cmpstr (list[2]->name, ==, "PCMA");
  g_assert_nonnull (ja_codecs_find (JA_MEDIA_AUDIO, "OPUS", 48000, 2));
  g_assert_null (ja_codecs_find (JA_MEDIA_AUDIO, "opus", 48000, 1));
  g_assert_null (ja_codecs_find (JA_MEDIA_AUDIO, "opus", 16000, 2));
  g_assert_nonnull (ja_codecs_find (JA_MEDIA_AUDIO, "telephone-event", 8000, 0));
  g_assert_nonnull (ja_codecs_find (JA_MEDIA_AUDIO, "telephone-event", 48000,
          1));
  list = ja_codecs_list (JA_MEDIA_VIDEO, &n);
  /* Our preference: VP8, then H.264 (RFC 6184, constrained baseline,
   * packetization-mode 1), each with its rtx. */
  g_assert_cmpuint (n, ==, 4);
  g_assert_cmpstr (list[0]->name, ==, "VP8");
  g_assert_cmpuint (list[0]->clock_rate, ==, 90000);
  g_assert_cmpstr (list[1]->name, ==, "rtx");
  g_assert_cmpstr (list[1]->params[0], ==, "apt=96");
  g_assert_cmpstr (list[2]->name, ==, "H264");
  g_assert_cmpuint (list[2]->default_pt, ==, 102);
  g_assert_cmpstr (list[2]->params[0], ==, "profile-level-id=42e01f");
  g_assert_cmpstr (list[2]->params[1], ==, "packetization-mode=1");
  g_assert_cmpstr (list[2]->params[2], ==, "level-asymmetry-allowed=1");
  g_assert_cmpstr (list[3]->name, ==, "rtx");
  g_assert_cmpstr (list[3]->params[0], ==, "apt=102");
}

/* RFC 4588 in XEP-0167 terms: the answer keeps the rtx whose apt is a
 * codec it answered, with the offer's ids and apt; an rtx for a codec we
 * do not run goes; rtx is never the codec we send. */
static void
test_video_rtx (void)
{
  g_autoptr (JaRtpDescription) offer = parse_description (
      "<description xmlns='urn:xmpp:jingle:apps:rtp:1' media='video'>"
      "<payload-type id='102' name='H264' clockrate='90000'/>"
      "<payload-type id='103' name='rtx' clockrate='90000'>"
      "<parameter name='apt' value='102'/></payload-type>"
      "<payload-type id='100' name='VP8' clockrate='90000'>"
      "<rtcp-fb xmlns='urn:xmpp:jingle:apps:rtp:rtcp-fb:0' type='nack'/>"
      "</payload-type>"
      "<payload-type id='101' name='rtx' clockrate='90000'>"
      "<parameter name='apt' value='100'/></payload-type>"
      "</description>");
  g_autoptr (GError) error = NULL;
  g_autoptr (JaRtpDescription) ans = ja_rtp_negotiate_answer (offer, &error);
  const JaRtpPayloadType *pt;

  g_assert_no_error (error);
  g_assert_cmpuint (ans->payload_types->len, ==, 2);
  pt = g_ptr_array_index (ans->payload_types, 0);
  g_assert_cmpuint (pt->id, ==, 100);
  g_assert_cmpstr (pt->name, ==, "VP8");
  pt = g_ptr_array_index (ans->payload_types, 1);
  g_assert_cmpuint (pt->id, ==, 101);
  g_assert_cmpstr (pt->name, ==, "rtx");
  g_assert_cmpstr (ja_rtp_payload_type_get_param (pt, "apt"), ==, "100");
  g_assert_cmpuint (ja_rtp_negotiate_send_codec (ans)->id, ==, 100);
  g_assert_cmpuint (ja_rtp_negotiate_send_codec (offer)->id, ==, 100);
}

/* Our offer is the table, with ids, parameters, rtcp-fb and rtcp-mux, and
 * says channels='2' for opus (browsers drop opus otherwise). */
static void
test_offer (void)
{
  g_autoptr (JaRtpDescription) audio = ja_rtp_negotiate_offer ("audio");
  g_autoptr (JaRtpDescription) video = ja_rtp_negotiate_offer ("video");
  g_autoptr (JaXmlNode) node = ja_rtp_description_build (audio);
  g_autofree char *text = describe (audio);
  const JaCodecInfo *const *list;
  const JaRtpPayloadType *pt;
  guint n;

  list = ja_codecs_list (JA_MEDIA_AUDIO, &n);
  g_assert_cmpuint (audio->payload_types->len, ==, n);
  for (guint i = 0; i < n; i++) {
    pt = g_ptr_array_index (audio->payload_types, i);
    g_assert_cmpuint (pt->id, ==, list[i]->default_pt);
    g_assert_cmpstr (pt->name, ==, list[i]->name);
  }
  g_assert_cmpstr (text, ==, "111 opus/48000/2, 0 PCMU/8000/1, "
      "8 PCMA/8000/1, 101 telephone-event/8000/1, "
      "126 telephone-event/48000/1");
  pt = g_ptr_array_index (audio->payload_types, 0);
  g_assert_cmpstr (ja_rtp_payload_type_get_param (pt, "minptime"), ==, "10");
  g_assert_cmpstr (ja_rtp_payload_type_get_param (pt, "useinbandfec"), ==,
      "1");
  g_assert_cmpuint (pt->feedback->len, ==, 0);     /* no transport-cc */
  pt = g_ptr_array_index (audio->payload_types, 3);
  g_assert_cmpstr (ja_rtp_payload_type_get_param (pt, "events"), ==, "0-15");
  g_assert_true (audio->rtcp_mux);
  g_assert_cmpstr (ja_xml_node_get_attr (ja_xml_node_find (node,
          "payload-type", JA_NS_JINGLE_RTP), "channels"), ==, "2");
  g_assert_nonnull (ja_xml_node_find (node, "rtcp-mux", JA_NS_JINGLE_RTP));

  g_assert_cmpuint (video->payload_types->len, ==, 4);
  pt = g_ptr_array_index (video->payload_types, 2);
  g_assert_cmpuint (pt->id, ==, 102);               /* H264 */
  g_assert_cmpstr (ja_rtp_payload_type_get_param (pt, "packetization-mode"),
      ==, "1");
  g_assert_cmpuint (pt->feedback->len, ==, 4);
  pt = g_ptr_array_index (video->payload_types, 3);
  g_assert_cmpstr (ja_rtp_payload_type_get_param (pt, "apt"), ==, "102");
  pt = g_ptr_array_index (video->payload_types, 0);
  g_assert_cmpuint (pt->id, ==, 96);
  g_assert_cmpuint (pt->feedback->len, ==, 4);  /* nack, nack pli, ccm fir, goog-remb */
  pt = g_ptr_array_index (video->payload_types, 1);
  g_assert_cmpuint (pt->id, ==, 97);               /* rtx, apt=96 */
  g_assert_cmpstr (ja_rtp_payload_type_get_param (pt, "apt"), ==, "96");
}

/* "1 urn:…:sdes:mid [senders], …" — the answer's header extensions. */
static char *
describe_hdrexts (const JaRtpDescription *d)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < d->hdrexts->len; i++) {
    const JaRtpHdrext *e = g_ptr_array_index (d->hdrexts, i);

    g_string_append_printf (s, "%s%u %s%s%s", i ? ", " : "", e->id, e->uri,
        e->senders ? " " : "", e->senders ? e->senders : "");
  }
  return g_string_free (s, FALSE);
}

#define HDREXT_NS "xmlns='urn:xmpp:jingle:apps:rtp:rtp-hdrext:0' "

/* The browser-style offer: our answer lists every shared codec with the
 * offer's ids in its order and one telephone-event at opus's rate; we
 * send opus. */
static void
test_answer_browser (void)
{
  g_autofree char *path = g_build_filename (JA_CORPUS_DIR, "rtp-description",
      "browser-session-initiate", NULL);
  g_autofree char *text = NULL;
  g_autoptr (JaXmlNode) iq = NULL;
  g_autoptr (JaJingleMessage) msg = NULL;
  g_autoptr (JaRtpDescription) offer = NULL;
  g_autoptr (JaRtpDescription) answer = NULL;
  g_autoptr (JaRtpDescription) video_offer = NULL;
  g_autoptr (JaRtpDescription) video_answer = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *said = NULL;
  g_autofree char *said_hdrexts = NULL;
  g_autofree char *said_video_hdrexts = NULL;
  const JaRtpPayloadType *send, *dtmf, *vp8;

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  iq = ja_xml_node_parse (text, -1, &error);
  g_assert_no_error (error);
  msg = ja_jingle_message_parse (ja_xml_node_find (iq, "jingle", NULL),
      &error);
  g_assert_no_error (error);
  offer = ja_rtp_description_parse (
      ja_jingle_message_find_content (msg, JA_JINGLE_ROLE_INITIATOR, "0")->description, &error);
  g_assert_no_error (error);

  answer = ja_rtp_negotiate_answer (offer, &error);
  g_assert_no_error (error);
  said = describe (answer);
  g_assert_cmpstr (said, ==, "111 opus/48000/2, 0 PCMU/8000/1, "
      "8 PCMA/8000/1, 110 telephone-event/48000/1");
  g_assert_true (answer->rtcp_mux);
  send = ja_rtp_negotiate_send_codec (answer);
  g_assert_cmpuint (send->id, ==, 111);
  g_assert_cmpstr (send->name, ==, "opus");
  g_assert_cmpstr (ja_rtp_payload_type_get_param (send, "useinbandfec"), ==,
      "1");
  /* transport-cc was offered, but we do not honour it */
  g_assert_cmpuint (send->feedback->len, ==, 0);
  dtmf = ja_rtp_negotiate_dtmf (answer, 48000);
  g_assert_cmpuint (dtmf->id, ==, 110);
  /* the offer's own telephone-events: one at each rate */
  g_assert_cmpuint (ja_rtp_negotiate_dtmf (offer, 8000)->id, ==, 126);
  g_assert_cmpuint (ja_rtp_negotiate_dtmf (offer, 48000)->id, ==, 110);

  /* Video: VP8 with the offer's id and the rtcp-fb both do. */
  video_offer = ja_rtp_description_parse (
      ja_jingle_message_find_content (msg, JA_JINGLE_ROLE_INITIATOR, "1")->description, &error);
  g_assert_no_error (error);
  video_answer = ja_rtp_negotiate_answer (video_offer, &error);
  g_assert_no_error (error);
  /* VP8, H.264 (42001f, mode 1: constrained baseline enough), and the rtx
   * whose apt is VP8's id (97 apt=96; 99 is VP9's). */
  g_assert_cmpuint (video_answer->payload_types->len, ==, 3);
  vp8 = g_ptr_array_index (video_answer->payload_types, 0);
  g_assert_cmpuint (vp8->id, ==, 96);
  /* nack, nack pli, ccm fir, goog-remb (we honour REMB as a cap) */
  g_assert_cmpuint (vp8->feedback->len, ==, 4);
  vp8 = g_ptr_array_index (video_answer->payload_types, 1);
  g_assert_cmpuint (vp8->id, ==, 102);
  g_assert_cmpstr (vp8->name, ==, "H264");
  g_assert_cmpstr (ja_rtp_payload_type_get_param (vp8, "packetization-mode"),
      ==, "1");
  vp8 = g_ptr_array_index (video_answer->payload_types, 2);
  g_assert_cmpuint (vp8->id, ==, 97);
  g_assert_cmpstr (ja_rtp_payload_type_get_param (vp8, "apt"), ==, "96");

  /* Header extensions (both contents are in its BUNDLE group): the
   * browser's ids for the audio level and the MID; abs-send-time and
   * transport-cc left out; the sample's video offers only toffset and
   * video-orientation: nothing answered. */
  ja_rtp_negotiate_answer_hdrexts (offer, answer, TRUE);
  ja_rtp_negotiate_answer_hdrexts (video_offer, video_answer, TRUE);
  said_hdrexts = describe_hdrexts (answer);
  said_video_hdrexts = describe_hdrexts (video_answer);
  g_assert_cmpstr (said_hdrexts, ==,
      "1 urn:ietf:params:rtp-hdrext:ssrc-audio-level, "
      "4 urn:ietf:params:rtp-hdrext:sdes:mid");
  g_assert_cmpstr (said_video_hdrexts, ==, "");
  g_assert_true (answer->extmap_allow_mixed);
}

/* XEP-0167 Example 1 offers speex, G729, PCMU, L16, iSAC: we answer PCMU
 * on id 0 alone. */
static void
test_answer_xep_0167 (void)
{
  g_autofree char *path = g_build_filename (JA_CORPUS_DIR, "rtp-description",
      "xep-0167-ex01", NULL);
  g_autofree char *text = NULL;
  g_autoptr (JaXmlNode) iq = NULL;
  g_autoptr (JaRtpDescription) offer = NULL;
  g_autoptr (JaRtpDescription) answer = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *said = NULL;
  JaXmlNode *jingle, *content;

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  iq = ja_xml_node_parse (text, -1, &error);
  g_assert_no_error (error);
  jingle = ja_xml_node_find (iq, "jingle", NULL);
  content = ja_xml_node_find (jingle, "content", NULL);
  offer = ja_rtp_description_parse (ja_xml_node_find (content, "description",
          JA_NS_JINGLE_RTP), &error);
  g_assert_no_error (error);
  answer = ja_rtp_negotiate_answer (offer, &error);
  g_assert_no_error (error);
  said = describe (answer);
  g_assert_cmpstr (said, ==, "0 PCMU/8000/1");
}

#define A "<description xmlns='urn:xmpp:jingle:apps:rtp:1' media='audio'>"
#define V "<description xmlns='urn:xmpp:jingle:apps:rtp:1' media='video'>"
#define E "</description>"

static const struct {
  const char *what;
  const char *offer;
  const char *answer;           /* NULL: NOT_ACCEPTABLE */
} table[] = {
  { "opus mono is refused (browsers need 48000/2)",
    A "<payload-type id='111' name='opus' clockrate='48000'/>" E, NULL },
  { "opus at 16000 is refused",
    A "<payload-type id='111' name='opus' clockrate='16000' channels='2'/>" E,
    NULL },
  { "PCMU by static id without name, after a refused opus",
    A "<payload-type id='109' name='opus' clockrate='48000'/>"
    "<payload-type id='0'/>" E, "0 PCMU/8000/1" },
  { "PCMA by static id without name",
    A "<payload-type id='8'/><payload-type id='3'/>" E, "8 PCMA/8000/1" },
  { "opus on another id keeps the offer's id; names are case-insensitive",
    A "<payload-type id='96' name='OPUS' clockrate='48000' channels='2'/>" E,
    "96 OPUS/48000/2" },
  { "the offer's order wins over ours",
    A "<payload-type id='8' name='PCMA' clockrate='8000'/>"
    "<payload-type id='100' name='opus' clockrate='48000' channels='2'/>" E,
    "8 PCMA/8000/1, 100 opus/48000/2" },
  { "telephone-event at the chosen codec's rate",
    A "<payload-type id='0' name='PCMU' clockrate='8000'/>"
    "<payload-type id='126' name='telephone-event' clockrate='48000'/>"
    "<payload-type id='101' name='telephone-event' clockrate='8000'/>" E,
    "0 PCMU/8000/1, 101 telephone-event/8000/1" },
  { "telephone-event at another rate when none matches",
    A "<payload-type id='111' name='opus' clockrate='48000' channels='2'/>"
    "<payload-type id='101' name='telephone-event' clockrate='8000'/>" E,
    "111 opus/48000/2, 101 telephone-event/8000/1" },
  { "telephone-event alone is nothing in common",
    A "<payload-type id='101' name='telephone-event' clockrate='8000'/>" E,
    NULL },
  { "telephone-event at a rate we do not run is dropped",
    A "<payload-type id='0'/>"
    "<payload-type id='102' name='telephone-event' clockrate='16000'/>" E,
    "0 PCMU/8000/1" },
  { "no common codec",
    A "<payload-type id='9' name='G722' clockrate='8000'/>"
    "<payload-type id='97' name='speex' clockrate='8000'/>" E, NULL },
  { "empty offer", A E, NULL },
  { "H.264 in single NAL unit mode (packetization-mode absent = 0)",
    V "<payload-type id='102' name='H264' clockrate='90000'/>" E, NULL },
  { "H.264 packetization-mode 0 said",
    V "<payload-type id='102' name='H264' clockrate='90000'>"
    "<parameter name='packetization-mode' value='0'/>"
    "<parameter name='profile-level-id' value='42e01f'/></payload-type>" E,
    NULL },
  { "H.264 packetization-mode 2 (interleaved)",
    V "<payload-type id='102' name='H264' clockrate='90000'>"
    "<parameter name='packetization-mode' value='2'/></payload-type>" E,
    NULL },
  { "H.264 mode 1 without profile-level-id (baseline by default)",
    V "<payload-type id='100' name='H264' clockrate='90000'>"
    "<parameter name='packetization-mode' value='1'/></payload-type>" E,
    "100 H264/90000/1" },
  { "H.264 main profile (4d001f) is not ours, constrained baseline is",
    V "<payload-type id='100' name='H264' clockrate='90000'>"
    "<parameter name='packetization-mode' value='1'/>"
    "<parameter name='profile-level-id' value='4d001f'/></payload-type>"
    "<payload-type id='101' name='H264' clockrate='90000'>"
    "<parameter name='packetization-mode' value='1'/>"
    "<parameter name='profile-level-id' value='42e01f'/></payload-type>" E,
    "101 H264/90000/1" },
  { "H.264 main profile with constraint_set1 (4d401f) is constrained "
    "baseline",
    V "<payload-type id='100' name='H264' clockrate='90000'>"
    "<parameter name='packetization-mode' value='1'/>"
    "<parameter name='profile-level-id' value='4d401f'/></payload-type>" E,
    "100 H264/90000/1" },
  { "H.264 high profile (640c1f) and a broken profile-level-id",
    V "<payload-type id='100' name='H264' clockrate='90000'>"
    "<parameter name='packetization-mode' value='1'/>"
    "<parameter name='profile-level-id' value='640c1f'/></payload-type>"
    "<payload-type id='101' name='H264' clockrate='90000'>"
    "<parameter name='packetization-mode' value='1'/>"
    "<parameter name='profile-level-id' value='42zz1f'/></payload-type>" E,
    NULL },
  { "H.264 first, VP8 second: the offer's order (H.264 sent)",
    V "<payload-type id='102' name='H264' clockrate='90000'>"
    "<parameter name='packetization-mode' value='1'/>"
    "<parameter name='profile-level-id' value='42e01f'/></payload-type>"
    "<payload-type id='96' name='VP8' clockrate='90000'/>" E,
    "102 H264/90000/1, 96 VP8/90000/1" },
  { "H.264 mode 0 first, VP8 second: VP8 only",
    V "<payload-type id='102' name='H264' clockrate='90000'>"
    "<parameter name='profile-level-id' value='42e01f'/></payload-type>"
    "<payload-type id='96' name='VP8' clockrate='90000'/>" E,
    "96 VP8/90000/1" },
  { "VP8 on another id",
    V "<payload-type id='100' name='VP8' clockrate='90000'/>" E,
    "100 VP8/90000/1" },
  { "unknown media",
    "<description xmlns='urn:xmpp:jingle:apps:rtp:1' media='application'>"
    "<payload-type id='0'/>" E, NULL },
};

static void
test_answer_table (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (table); i++) {
    g_autoptr (JaRtpDescription) offer = parse_description (table[i].offer);
    g_autoptr (GError) error = NULL;
    g_autoptr (JaRtpDescription) answer = ja_rtp_negotiate_answer (offer,
        &error);

    g_test_message ("%s", table[i].what);
    if (table[i].answer == NULL) {
      g_assert_null (answer);
      g_assert_error (error, JA_XMPP_ERROR, JA_XMPP_ERROR_NOT_ACCEPTABLE);
      g_assert_cmpuint (strlen (error->message), >, 0);
    } else {
      g_autofree char *said = NULL;

      g_assert_no_error (error);
      said = describe (answer);
      g_assert_cmpstr (said, ==, table[i].answer);
    }
  }
}

/* The initiator sends the first codec of the responder's answer that it
 * runs. */
static void
test_send_codec (void)
{
  g_autoptr (JaRtpDescription) answer = parse_description (A
      "<payload-type id='126' name='telephone-event' clockrate='8000'/>"
      "<payload-type id='9' name='G722' clockrate='8000'/>"
      "<payload-type id='0'/>"
      "<payload-type id='111' name='opus' clockrate='48000' channels='2'/>" E);
  g_autoptr (JaRtpDescription) none = parse_description (A
      "<payload-type id='9' name='G722' clockrate='8000'/>" E);
  const JaRtpPayloadType *send = ja_rtp_negotiate_send_codec (answer);

  g_assert_cmpuint (send->id, ==, 0);
  g_assert_cmpstr (ja_rtp_payload_type_get_name (send), ==, "PCMU");
  g_assert_null (ja_rtp_negotiate_send_codec (none));
  g_assert_null (ja_rtp_negotiate_dtmf (none, 8000));
  g_assert_cmpuint (ja_rtp_negotiate_dtmf (answer, 48000)->id, ==, 126);
}

/* Our video offer answered by ourselves: VP8 first (our preference), then
 * H.264 with our fmtp, each rtx with its apt; the initiator sends VP8. */
static void
test_video_offer_answers_itself (void)
{
  g_autoptr (JaRtpDescription) offer = ja_rtp_negotiate_offer ("video");
  g_autoptr (GError) error = NULL;
  g_autoptr (JaRtpDescription) answer = ja_rtp_negotiate_answer (offer,
      &error);
  g_autofree char *said = NULL;
  const JaRtpPayloadType *h264;

  g_assert_no_error (error);
  said = describe (answer);
  g_assert_cmpstr (said, ==, "96 VP8/90000/1, 102 H264/90000/1, "
      "97 rtx/90000/1, 103 rtx/90000/1");
  h264 = g_ptr_array_index (answer->payload_types, 1);
  g_assert_cmpstr (ja_rtp_payload_type_get_param (h264, "profile-level-id"),
      ==, "42e01f");
  g_assert_cmpstr (ja_rtp_payload_type_get_param (h264,
          "level-asymmetry-allowed"), ==, "1");
  g_assert_cmpuint (h264->feedback->len, ==, 4);
  g_assert_cmpstr (ja_rtp_payload_type_get_param (g_ptr_array_index (
              answer->payload_types, 3), "apt"), ==, "102");
  g_assert_cmpuint (ja_rtp_negotiate_send_codec (answer)->id, ==, 96);
}

/* RFC 6184 §8.1 profile-level-id checks on their own. */
static void
test_h264_compatible (void)
{
  static const struct {
    const char *mode, *profile;
    gboolean ok;
  } cases[] = {
    { "1", "42e01f", TRUE }, { "1", "42001f", TRUE }, { "1", "42C02A", TRUE },
    { "1", "4d401f", TRUE }, { "1", "58c01f", TRUE }, { "1", NULL, TRUE },
    { "1", "4d001f", FALSE }, { "1", "640c1f", FALSE },
    { "1", "f4001f", FALSE }, { "1", "42e0", FALSE }, { "1", "42e01f0", FALSE },
    { "1", "", FALSE }, { "1", "-42e01", FALSE }, { "0", "42e01f", FALSE },
    { NULL, "42e01f", FALSE }, { "2", "42e01f", FALSE }, { "01", "42e01f", FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_autoptr (JaRtpPayloadType) pt = ja_rtp_payload_type_new (102, "H264",
        90000, 0);

    if (cases[i].mode != NULL)
      ja_rtp_payload_type_add_param (pt, "packetization-mode", cases[i].mode);
    if (cases[i].profile != NULL)
      ja_rtp_payload_type_add_param (pt, "profile-level-id",
          cases[i].profile);
    g_test_message ("mode %s profile %s", cases[i].mode, cases[i].profile);
    g_assert_cmpint (ja_rtp_negotiate_h264_compatible (pt), ==, cases[i].ok);
  }
}

/* Our offer answered by ourselves: everything matches, ids kept. */
static void
test_offer_answers_itself (void)
{
  g_autoptr (JaRtpDescription) offer = ja_rtp_negotiate_offer ("audio");
  g_autoptr (GError) error = NULL;
  g_autoptr (JaRtpDescription) answer = ja_rtp_negotiate_answer (offer,
      &error);
  g_autofree char *said = NULL;

  g_assert_no_error (error);
  said = describe (answer);
  /* one telephone-event only: the one at opus's 48000 */
  g_assert_cmpstr (said, ==, "111 opus/48000/2, 0 PCMU/8000/1, "
      "8 PCMA/8000/1, 126 telephone-event/48000/1");
}


/* XEP-0294 §4: a bundled audio offer with the MID, the audio level and a
 * URI we do not run: the answer keeps the two with the offerer's ids (not
 * ours), leaves the unknown one out, keeps senders, accepts
 * extmap-allow-mixed; the ids each side sends with. */
static void
test_hdrext_answer (void)
{
  g_autoptr (JaRtpDescription) offer = parse_description (
      "<description xmlns='urn:xmpp:jingle:apps:rtp:1' media='audio'>"
      "<payload-type id='111' name='opus' clockrate='48000' channels='2'/>"
      "<rtp-hdrext " HDREXT_NS "id='3' uri='urn:ietf:params:rtp-hdrext:toffset'/>"
      "<rtp-hdrext " HDREXT_NS "id='9' uri='urn:ietf:params:rtp-hdrext:sdes:mid'/>"
      "<rtp-hdrext " HDREXT_NS "id='5' senders='initiator' "
      "uri='urn:ietf:params:rtp-hdrext:ssrc-audio-level'/>"
      "<extmap-allow-mixed " HDREXT_NS "/>"
      "</description>");
  g_autoptr (GError) error = NULL;
  g_autoptr (JaRtpDescription) answer = ja_rtp_negotiate_answer (offer,
      &error);
  g_autoptr (JaRtpDescription) unbundled = ja_rtp_negotiate_answer (offer,
      &error);
  g_autofree char *said = NULL;
  g_autofree char *said_unbundled = NULL;
  g_autoptr (JaXmlNode) xml = NULL;
  g_autofree char *text = NULL;

  g_assert_no_error (error);
  ja_rtp_negotiate_answer_hdrexts (offer, answer, TRUE);
  said = describe_hdrexts (answer);
  g_assert_cmpstr (said, ==, "9 urn:ietf:params:rtp-hdrext:sdes:mid, "
      "5 urn:ietf:params:rtp-hdrext:ssrc-audio-level initiator");
  g_assert_true (answer->extmap_allow_mixed);
  xml = ja_rtp_description_build (answer);
  text = ja_xml_node_to_string (xml, NULL);
  g_assert_null (strstr (text, "toffset"));
  /* The initiator sends both; the responder only the MID (senders). */
  g_assert_cmpuint (ja_rtp_negotiate_hdrext_id (answer,
          "urn:ietf:params:rtp-hdrext:sdes:mid", TRUE), ==, 9);
  g_assert_cmpuint (ja_rtp_negotiate_hdrext_id (answer,
          "urn:ietf:params:rtp-hdrext:sdes:mid", FALSE), ==, 9);
  g_assert_cmpuint (ja_rtp_negotiate_hdrext_id (answer,
          "urn:ietf:params:rtp-hdrext:ssrc-audio-level", TRUE), ==, 5);
  g_assert_cmpuint (ja_rtp_negotiate_hdrext_id (answer,
          "urn:ietf:params:rtp-hdrext:ssrc-audio-level", FALSE), ==, 0);
  g_assert_cmpuint (ja_rtp_negotiate_hdrext_id (answer,
          "urn:ietf:params:rtp-hdrext:toffset", TRUE), ==, 0);
  /* Not in a BUNDLE group: no MID. */
  ja_rtp_negotiate_answer_hdrexts (offer, unbundled, FALSE);
  said_unbundled = describe_hdrexts (unbundled);
  g_assert_cmpstr (said_unbundled, ==,
      "5 urn:ietf:params:rtp-hdrext:ssrc-audio-level initiator");
}

/* Our offers: MID (id 1) only with BUNDLE, the audio level (id 2) only on
 * audio; answered by ourselves they keep those ids. */
static void
test_hdrext_offer (void)
{
  g_autoptr (JaRtpDescription) audio = ja_rtp_negotiate_offer ("audio");
  g_autoptr (JaRtpDescription) video = ja_rtp_negotiate_offer ("video");
  g_autoptr (JaRtpDescription) lone = ja_rtp_negotiate_offer ("audio");
  g_autoptr (JaRtpDescription) answer = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *a = NULL, *v = NULL, *l = NULL, *ans = NULL;

  ja_rtp_negotiate_offer_hdrexts (audio, TRUE);
  ja_rtp_negotiate_offer_hdrexts (video, TRUE);
  ja_rtp_negotiate_offer_hdrexts (lone, FALSE);
  a = describe_hdrexts (audio);
  v = describe_hdrexts (video);
  l = describe_hdrexts (lone);
  g_assert_cmpstr (a, ==, "1 urn:ietf:params:rtp-hdrext:sdes:mid, "
      "2 urn:ietf:params:rtp-hdrext:ssrc-audio-level");
  g_assert_cmpstr (v, ==, "1 urn:ietf:params:rtp-hdrext:sdes:mid");
  g_assert_cmpstr (l, ==, "2 urn:ietf:params:rtp-hdrext:ssrc-audio-level");
  g_assert_false (audio->extmap_allow_mixed);
  answer = ja_rtp_negotiate_answer (audio, &error);
  g_assert_no_error (error);
  ja_rtp_negotiate_answer_hdrexts (audio, answer, TRUE);
  ans = describe_hdrexts (answer);
  g_assert_cmpstr (ans, ==, a);
}

/* Ids we cannot send in the one-byte form (15..256, 4096..4351), a
 * malformed one, and a second URI under an id already answered are not
 * answered; the parser drops the malformed. */
static void
test_hdrext_bad_ids (void)
{
  g_autoptr (JaRtpDescription) offer = parse_description (
      "<description xmlns='urn:xmpp:jingle:apps:rtp:1' media='audio'>"
      "<payload-type id='0' name='PCMU' clockrate='8000'/>"
      "<rtp-hdrext " HDREXT_NS "id='0' uri='urn:ietf:params:rtp-hdrext:sdes:mid'/>"
      "<rtp-hdrext " HDREXT_NS "id='15' uri='urn:ietf:params:rtp-hdrext:sdes:mid'/>"
      "<rtp-hdrext " HDREXT_NS "id='4096' uri='urn:ietf:params:rtp-hdrext:sdes:mid'/>"
      "<rtp-hdrext " HDREXT_NS "id='x' uri='urn:ietf:params:rtp-hdrext:sdes:mid'/>"
      "<rtp-hdrext " HDREXT_NS "id='4' uri='urn:ietf:params:rtp-hdrext:sdes:mid'/>"
      "<rtp-hdrext " HDREXT_NS "id='4' "
      "uri='urn:ietf:params:rtp-hdrext:ssrc-audio-level'/>"
      "<rtp-hdrext " HDREXT_NS "id='7' uri='urn:ietf:params:rtp-hdrext:sdes:mid'/>"
      "<rtp-hdrext " HDREXT_NS "id='6' senders='nobody' "
      "uri='urn:ietf:params:rtp-hdrext:ssrc-audio-level'/>"
      "</description>");
  g_autoptr (GError) error = NULL;
  g_autoptr (JaRtpDescription) answer = ja_rtp_negotiate_answer (offer,
      &error);
  g_autofree char *said = NULL;

  g_assert_no_error (error);
  g_assert_cmpuint (offer->skipped_hdrexts, ==, 3);  /* 0, x, senders */
  ja_rtp_negotiate_answer_hdrexts (offer, answer, TRUE);
  said = describe_hdrexts (answer);
  g_assert_cmpstr (said, ==, "4 urn:ietf:params:rtp-hdrext:sdes:mid");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_log_set_always_fatal (G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);

  g_test_add_func ("/rtp/negotiate/codec-table", test_codec_table);
  g_test_add_func ("/rtp/negotiate/offer", test_offer);
  g_test_add_func ("/rtp/negotiate/video-rtx", test_video_rtx);
  g_test_add_func ("/rtp/negotiate/answer-browser", test_answer_browser);
  g_test_add_func ("/rtp/negotiate/answer-xep-0167", test_answer_xep_0167);
  g_test_add_func ("/rtp/negotiate/answer-table", test_answer_table);
  g_test_add_func ("/rtp/negotiate/send-codec", test_send_codec);
  g_test_add_func ("/rtp/negotiate/video-offer-answers-itself",
      test_video_offer_answers_itself);
  g_test_add_func ("/rtp/negotiate/h264-compatible", test_h264_compatible);
  g_test_add_func ("/rtp/negotiate/offer-answers-itself",
      test_offer_answers_itself);
  g_test_add_func ("/rtp/negotiate/hdrext-answer", test_hdrext_answer);
  g_test_add_func ("/rtp/negotiate/hdrext-offer", test_hdrext_offer);
  g_test_add_func ("/rtp/negotiate/hdrext-bad-ids", test_hdrext_bad_ids);
  return g_test_run ();
}
