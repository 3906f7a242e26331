/* webrtc-peer.c — a Jingle peer whose media is GStreamer's webrtcbin (an
 * independent WebRTC stack: its own JSEP offer/answer, libnice, DTLS through
 * OpenSSL, libsrtp), for the interop test test-webrtc-interop.sh. It signs
 * in to the test Prosody with the project's XMPP client and translates
 * between Jingle (XEP-0166/0167/0176/0320/0338/0293/0294/0339) and SDP the
 * way the WebRTC XMPP clients do: m-line ↔ content (mid = content name),
 * rtpmap/fmtp/rtcp-fb ↔ payload-type, ice-ufrag/pwd and candidates ↔ the
 * ICE-UDP transport (candidates trickled as transport-info), fingerprint +
 * setup ↔ XEP-0320, group BUNDLE ↔ XEP-0338, rtcp-mux, ssrc/ssrc-group.
 *
 *   webrtc-peer --user USER --resource RES [--tone HZ] [--video]
 *               [--record FILE.wav] [--timeout S]
 *               (--call FULLJID [--duration S] | --answer)
 *
 * --call: webrtcbin makes the offer (max-bundle), we send it as
 * session-initiate and hang up after --duration s of media. --answer: takes
 * one session-initiate, webrtcbin answers it, and waits for the peer's
 * session-terminate. We send a sine of --tone Hz (opus) and VP8 colour
 * bars with --video; what we receive is decoded: the audio written to
 * --record, the video frames counted. Prints "# ..." progress lines and a
 * last line "result audio-buffers=N video-frames=N width=W height=H"; exit
 * 0 when audio was decoded (and video frames with --video), else 1. */
#include <string.h>
#include <stdlib.h>
#include <stdio.h>
#include <gst/gst.h>
#include <gst/sdp/sdp.h>
#define GST_USE_UNSTABLE_API
#include <gst/webrtc/webrtc.h>

#include "signalling/xml/xml-writer.h"
#include "signalling/xmpp/xmpp-stream.h"
#include "tests/support/ja-test-util.h"

#define NS_JINGLE "urn:xmpp:jingle:1"
#define NS_RTP "urn:xmpp:jingle:apps:rtp:1"
#define NS_RTCP_FB "urn:xmpp:jingle:apps:rtp:rtcp-fb:0"
#define NS_HDREXT "urn:xmpp:jingle:apps:rtp:rtp-hdrext:0"
#define NS_SSMA "urn:xmpp:jingle:apps:rtp:ssma:0"
#define NS_GROUP "urn:xmpp:jingle:apps:grouping:0"
#define NS_ICE "urn:xmpp:jingle:transports:ice-udp:1"
#define NS_DTLS "urn:xmpp:jingle:apps:dtls:0"

typedef struct {
  JaXmppStream *xmpp;
  GMainLoop *loop;
  GstElement *pipe, *webrtc;
  char *self_jid, *peer, *sid;
  gboolean initiator;
  gboolean signalled;          /* our offer/answer went out */
  gboolean remote_set;         /* the remote description is applied */
  gboolean ended;
  GPtrArray *mids;             /* content names by m-line index */
  GPtrArray *out_cands;        /* (guint mline, char *cand) before signalled */
  GPtrArray *in_cands;         /* JaXmlNode content copies before remote_set */
  /* options */
  char *user, *resource, *call_to, *record;
  int tone, duration, timeout;
  gboolean video;
  int opus_pt, vp8_pt;
  /* results */
  GstPad *audio_sink_pad;      /* the record bin's input, for EOS */
  gint audio_buffers, video_frames, width, height;
  int exit_code;
} Peer;

typedef struct { guint mline; char *cand; } OutCand;

static void out_cand_free (gpointer p) {
  OutCand *c = p;
  g_free (c->cand);
  g_free (c);
}

/* ---- SDP → Jingle -------------------------------------------------------- */

static const char *
media_attr (const GstSDPMedia *m, const GstSDPMessage *sdp, const char *key)
{
  const char *v = gst_sdp_media_get_attribute_val (m, key);
  return v != NULL ? v : gst_sdp_message_get_attribute_val (sdp, key);
}

/* A flag attribute (no value) is there. */
static gboolean
has_attr (const GstSDPMedia *m, const char *key)
{
  for (guint i = 0; i < gst_sdp_media_attributes_len (m); i++)
    if (strcmp (gst_sdp_media_get_attribute (m, i)->key, key) == 0)
      return TRUE;
  return FALSE;
}

/* "candidate:F C PROTO PRIO IP PORT typ T [raddr A rport P] [generation G]…"
 * into a Jingle <candidate/> (NULL for what Jingle ICE-UDP does not carry:
 * TCP candidates). */
static JaXmlNode *
candidate_from_sdp (const char *line, guint n)
{
  g_auto (GStrv) f = NULL;
  JaXmlNode *c;
  guint len, i;

  if (g_str_has_prefix (line, "a="))
    line += 2;
  if (g_str_has_prefix (line, "candidate:"))
    line += strlen ("candidate:");
  f = g_strsplit (line, " ", -1);
  len = g_strv_length (f);
  if (len < 8 || strcmp (f[6], "typ") != 0)
    return NULL;
  if (g_ascii_strcasecmp (f[2], "udp") != 0)
    return NULL;
  c = ja_xml_node_new ("candidate", NULL);
  ja_xml_node_set_attr (c, "foundation", f[0]);
  ja_xml_node_set_attr (c, "component", f[1]);
  ja_xml_node_set_attr (c, "protocol", "udp");
  ja_xml_node_set_attr (c, "priority", f[3]);
  ja_xml_node_set_attr (c, "ip", f[4]);
  ja_xml_node_set_attr (c, "port", f[5]);
  ja_xml_node_set_attr (c, "type", f[7]);
  ja_xml_node_set_attr (c, "generation", "0");
  ja_xml_node_set_attr (c, "network", "0");
  ja_xml_node_set_attr_printf (c, "id", "wc%u", n);
  for (i = 8; i + 1 < len; i += 2) {
    if (strcmp (f[i], "raddr") == 0)
      ja_xml_node_set_attr (c, "rel-addr", f[i + 1]);
    else if (strcmp (f[i], "rport") == 0)
      ja_xml_node_set_attr (c, "rel-port", f[i + 1]);
    else if (strcmp (f[i], "generation") == 0)
      ja_xml_node_set_attr (c, "generation", f[i + 1]);
  }
  return c;
}

static JaXmlNode *
payload_from_sdp (const GstSDPMedia *m, const char *pt)
{
  JaXmlNode *p = NULL;
  guint i;
  gsize ptlen = strlen (pt);

  for (i = 0; i < gst_sdp_media_attributes_len (m); i++) {
    const GstSDPAttribute *a = gst_sdp_media_get_attribute (m, i);
    const char *v = a->value;
    if (v == NULL || strncmp (v, pt, ptlen) != 0 || v[ptlen] != ' ')
      continue;
    v += ptlen + 1;
    if (strcmp (a->key, "rtpmap") == 0) {
      g_auto (GStrv) r = g_strsplit (v, "/", 3);
      if (p == NULL)
        p = ja_xml_node_new ("payload-type", NULL);
      ja_xml_node_set_attr (p, "id", pt);
      ja_xml_node_set_attr (p, "name", r[0]);
      if (r[1] != NULL)
        ja_xml_node_set_attr (p, "clockrate", r[1]);
      if (r[1] != NULL && r[2] != NULL)
        ja_xml_node_set_attr (p, "channels", r[2]);
    }
  }
  if (p == NULL)
    return NULL;
  for (i = 0; i < gst_sdp_media_attributes_len (m); i++) {
    const GstSDPAttribute *a = gst_sdp_media_get_attribute (m, i);
    const char *v = a->value;
    if (v == NULL || strncmp (v, pt, ptlen) != 0 || v[ptlen] != ' ')
      continue;
    v += ptlen + 1;
    if (strcmp (a->key, "fmtp") == 0) {
      g_auto (GStrv) kv = g_strsplit (v, ";", -1);
      for (guint k = 0; kv[k] != NULL; k++) {
        g_auto (GStrv) pair = g_strsplit (g_strstrip (kv[k]), "=", 2);
        JaXmlNode *par;
        if (pair[0] == NULL || *pair[0] == '\0')
          continue;
        par = ja_xml_node_add_new (p, "parameter", NULL);
        ja_xml_node_set_attr (par, "name", pair[0]);
        ja_xml_node_set_attr (par, "value", pair[1] != NULL ? pair[1] : "");
      }
    } else if (strcmp (a->key, "rtcp-fb") == 0) {
      g_auto (GStrv) t = g_strsplit (v, " ", 2);
      JaXmlNode *fb = ja_xml_node_add_new (p, "rtcp-fb", NS_RTCP_FB);
      ja_xml_node_set_attr (fb, "type", t[0]);
      if (t[1] != NULL)
        ja_xml_node_set_attr (fb, "subtype", t[1]);
    }
  }
  return p;
}

/* One m-line as a Jingle <content/>; candidates in the SDP go into the
 * transport too. */
static JaXmlNode *
content_from_sdp (const GstSDPMessage *sdp, const GstSDPMedia *m, guint index)
{
  JaXmlNode *content, *desc, *tr, *fp;
  const char *mid = gst_sdp_media_get_attribute_val (m, "mid");
  const char *fpv = media_attr (m, sdp, "fingerprint");
  const char *setup = media_attr (m, sdp, "setup");
  g_autofree char *name = mid != NULL ? g_strdup (mid)
      : g_strdup_printf ("%u", index);
  guint i;

  content = ja_xml_node_new ("content", NS_JINGLE);
  ja_xml_node_set_attr (content, "creator", "initiator");
  ja_xml_node_set_attr (content, "name", name);
  ja_xml_node_set_attr (content, "senders", "both");
  desc = ja_xml_node_add_new (content, "description", NS_RTP);
  ja_xml_node_set_attr (desc, "media", gst_sdp_media_get_media (m));
  for (i = 0; i < gst_sdp_media_formats_len (m); i++) {
    JaXmlNode *p = payload_from_sdp (m, gst_sdp_media_get_format (m, i));
    if (p != NULL)
      ja_xml_node_add_child (desc, p);
  }
  for (i = 0; i < gst_sdp_media_attributes_len (m); i++) {
    const GstSDPAttribute *a = gst_sdp_media_get_attribute (m, i);
    if (strcmp (a->key, "extmap") == 0 && a->value != NULL) {
      g_auto (GStrv) t = g_strsplit (a->value, " ", 3);
      JaXmlNode *h;
      if (t[0] == NULL || t[1] == NULL)
        continue;
      h = ja_xml_node_add_new (desc, "rtp-hdrext", NS_HDREXT);
      ja_xml_node_set_attr (h, "id", t[0]);
      ja_xml_node_set_attr (h, "uri", t[1]);
    }
  }
  if (has_attr (m, "rtcp-mux"))
    ja_xml_node_add_new (desc, "rtcp-mux", NULL);
  /* a=ssrc:N key:value → <source ssrc><parameter name value/></source> */
  for (i = 0; i < gst_sdp_media_attributes_len (m); i++) {
    const GstSDPAttribute *a = gst_sdp_media_get_attribute (m, i);
    g_auto (GStrv) t = NULL;
    g_auto (GStrv) kv = NULL;
    JaXmlNode *src = NULL, *par;
    if (strcmp (a->key, "ssrc") != 0 || a->value == NULL)
      continue;
    t = g_strsplit (a->value, " ", 2);
    if (t[1] == NULL)
      continue;
    for (guint k = 0; k < ja_xml_node_get_n_children (desc); k++) {
      JaXmlNode *c = ja_xml_node_get_child (desc, k);
      if (ja_xml_node_is (c, "source", NS_SSMA)
          && g_strcmp0 (ja_xml_node_get_attr (c, "ssrc"), t[0]) == 0)
        src = c;
    }
    if (src == NULL) {
      src = ja_xml_node_add_new (desc, "source", NS_SSMA);
      ja_xml_node_set_attr (src, "ssrc", t[0]);
    }
    kv = g_strsplit (t[1], ":", 2);
    par = ja_xml_node_add_new (src, "parameter", NULL);
    ja_xml_node_set_attr (par, "name", kv[0]);
    if (kv[1] != NULL)
      ja_xml_node_set_attr (par, "value", kv[1]);
  }
  for (i = 0; i < gst_sdp_media_attributes_len (m); i++) {
    const GstSDPAttribute *a = gst_sdp_media_get_attribute (m, i);
    g_auto (GStrv) t = NULL;
    JaXmlNode *g;
    if (strcmp (a->key, "ssrc-group") != 0 || a->value == NULL)
      continue;
    t = g_strsplit (a->value, " ", -1);
    g = ja_xml_node_add_new (desc, "ssrc-group", NS_SSMA);
    ja_xml_node_set_attr (g, "semantics", t[0]);
    for (guint k = 1; t[k] != NULL; k++)
      ja_xml_node_set_attr (ja_xml_node_add_new (g, "source", NULL), "ssrc",
          t[k]);
  }

  tr = ja_xml_node_add_new (content, "transport", NS_ICE);
  ja_xml_node_set_attr (tr, "ufrag", media_attr (m, sdp, "ice-ufrag"));
  ja_xml_node_set_attr (tr, "pwd", media_attr (m, sdp, "ice-pwd"));
  if (fpv != NULL) {
    g_auto (GStrv) t = g_strsplit (fpv, " ", 2);
    fp = ja_xml_node_add_new (tr, "fingerprint", NS_DTLS);
    ja_xml_node_set_attr (fp, "hash", t[0]);
    ja_xml_node_set_attr (fp, "setup", setup != NULL ? setup : "actpass");
    if (t[1] != NULL)
      ja_xml_node_set_text (fp, t[1]);
  }
  for (i = 0; i < gst_sdp_media_attributes_len (m); i++) {
    const GstSDPAttribute *a = gst_sdp_media_get_attribute (m, i);
    if (strcmp (a->key, "candidate") == 0 && a->value != NULL) {
      JaXmlNode *c = candidate_from_sdp (a->value, 100 + i);
      if (c != NULL)
        ja_xml_node_add_child (tr, c);
    }
  }
  return content;
}

static JaXmlNode *
jingle_new (Peer *p, const char *action, JaXmlNode **jingle)
{
  JaXmlNode *iq = ja_xml_node_new ("iq", "jabber:client");
  JaXmlNode *j = ja_xml_node_add_new (iq, "jingle", NS_JINGLE);

  ja_xml_node_set_attr (iq, "type", "set");
  ja_xml_node_set_attr (iq, "to", p->peer);
  ja_xml_node_set_attr (j, "action", action);
  ja_xml_node_set_attr (j, "sid", p->sid);
  if (strcmp (action, "session-initiate") == 0)
    ja_xml_node_set_attr (j, "initiator", p->self_jid);
  if (strcmp (action, "session-accept") == 0)
    ja_xml_node_set_attr (j, "responder", p->self_jid);
  *jingle = j;
  return iq;
}

static void
iq_done (GObject *src, GAsyncResult *res, gpointer data)
{
  g_autoptr (GError) error = NULL;
  JaXmlNode *r = ja_xmpp_stream_iq_finish (JA_XMPP_STREAM (src), res, &error);
  if (r == NULL) {
    printf ("# %s answered with an error: %s\n", (char *) data,
        error ? error->message : "?");
  }
  if (r != NULL)
    ja_xml_node_free (r);
  g_free (data);
}

static void
send_iq (Peer *p, JaXmlNode *iq, const char *what)
{
  ja_xmpp_stream_iq_async (p->xmpp, iq, NULL, iq_done, g_strdup (what));
}

/* Our local description as session-initiate or session-accept. */
static void
send_description (Peer *p, const GstSDPMessage *sdp)
{
  JaXmlNode *jingle;
  JaXmlNode *iq = jingle_new (p, p->initiator ? "session-initiate"
      : "session-accept", &jingle);
  const char *bundle = NULL;
  guint i;

  for (i = 0; i < gst_sdp_message_attributes_len (sdp); i++) {
    const GstSDPAttribute *a = gst_sdp_message_get_attribute (sdp, i);
    if (strcmp (a->key, "group") == 0 && a->value != NULL
        && g_str_has_prefix (a->value, "BUNDLE "))
      bundle = a->value + strlen ("BUNDLE ");
  }
  if (bundle != NULL) {
    g_auto (GStrv) names = g_strsplit (bundle, " ", -1);
    JaXmlNode *g = ja_xml_node_add_new (jingle, "group", NS_GROUP);
    ja_xml_node_set_attr (g, "semantics", "BUNDLE");
    for (guint k = 0; names[k] != NULL; k++)
      if (*names[k] != '\0')
        ja_xml_node_set_attr (ja_xml_node_add_new (g, "content", NULL),
            "name", names[k]);
  }
  g_ptr_array_set_size (p->mids, 0);
  for (i = 0; i < gst_sdp_message_medias_len (sdp); i++) {
    const GstSDPMedia *m = gst_sdp_message_get_media (sdp, i);
    JaXmlNode *c = content_from_sdp (sdp, m, i);
    g_ptr_array_add (p->mids, g_strdup (ja_xml_node_get_attr (c, "name")));
    /* Port 0 is a rejected m-line, except with bundle-only: max-bundle
     * offers put every m-line but the first on the BUNDLE transport so
     * (RFC 8843 §7.2), which is still a content. */
    if (gst_sdp_media_get_port (m) == 0
        && !has_attr (m, "bundle-only"))
      ja_xml_node_free (c);
    else
      ja_xml_node_add_child (jingle, c);
  }
  {
    g_autofree char *xml = ja_xml_node_to_pretty_string (iq, NULL);
    g_auto (GStrv) lines = g_strsplit (xml, "\n", -1);
    printf ("# sent:\n");
    for (i = 0; lines[i] != NULL; i++)
      if (*lines[i] != '\0')
        printf ("#   %s\n", lines[i]);
  }
  send_iq (p, iq, p->initiator ? "session-initiate" : "session-accept");
  p->signalled = TRUE;
}

static void
send_candidate (Peer *p, guint mline, const char *cand)
{
  static guint n;
  JaXmlNode *jingle, *content, *tr, *c;
  JaXmlNode *iq;
  const char *name;

  if (mline >= p->mids->len)
    return;
  c = candidate_from_sdp (cand, n++);
  if (c == NULL)
    return;
  name = g_ptr_array_index (p->mids, mline);
  iq = jingle_new (p, "transport-info", &jingle);
  content = ja_xml_node_add_new (jingle, "content", NULL);
  ja_xml_node_set_attr (content, "creator", "initiator");
  ja_xml_node_set_attr (content, "name", name);
  tr = ja_xml_node_add_new (content, "transport", NS_ICE);
  ja_xml_node_add_child (tr, c);
  printf ("# local candidate %s\n", cand);
  send_iq (p, iq, "transport-info");
}

static gboolean
on_candidate_main (gpointer data)
{
  gpointer *args = data;
  Peer *p = args[0];
  OutCand *oc = args[1];
  g_free (args);
  if (!p->signalled) {
    g_ptr_array_add (p->out_cands, oc);
    return G_SOURCE_REMOVE;
  }
  send_candidate (p, oc->mline, oc->cand);
  out_cand_free (oc);
  return G_SOURCE_REMOVE;
}

static void
on_ice_candidate (GstElement *webrtc, guint mline, const char *cand,
    gpointer data)
{
  gpointer *args = g_new0 (gpointer, 2);
  OutCand *oc = g_new0 (OutCand, 1);
  (void) webrtc;
  oc->mline = mline;
  oc->cand = g_strdup (cand);
  args[0] = data;
  args[1] = oc;
  g_main_context_invoke (NULL, on_candidate_main, args);
}

static void
flush_out_cands (Peer *p)
{
  for (guint i = 0; i < p->out_cands->len; i++) {
    OutCand *oc = g_ptr_array_index (p->out_cands, i);
    send_candidate (p, oc->mline, oc->cand);
  }
  g_ptr_array_set_size (p->out_cands, 0);
}

/* ---- Jingle → SDP -------------------------------------------------------- */

static void
candidate_to_sdp (GString *s, const JaXmlNode *c)
{
  const char *v;
  g_string_append_printf (s, "candidate:%s %s %s %s %s %s typ %s",
      ja_xml_node_get_attr (c, "foundation"),
      ja_xml_node_get_attr (c, "component"),
      ja_xml_node_get_attr (c, "protocol"),
      ja_xml_node_get_attr (c, "priority"),
      ja_xml_node_get_attr (c, "ip"),
      ja_xml_node_get_attr (c, "port"),
      ja_xml_node_get_attr (c, "type"));
  if ((v = ja_xml_node_get_attr (c, "rel-addr")) != NULL)
    g_string_append_printf (s, " raddr %s rport %s", v,
        ja_xml_node_get_attr (c, "rel-port"));
  if ((v = ja_xml_node_get_attr (c, "generation")) != NULL)
    g_string_append_printf (s, " generation %s", v);
}

static gboolean
valid_candidate (const JaXmlNode *c)
{
  const char *need[] = { "foundation", "component", "protocol", "priority",
    "ip", "port", "type" };
  for (guint i = 0; i < G_N_ELEMENTS (need); i++)
    if (ja_xml_node_get_attr (c, need[i]) == NULL)
      return FALSE;
  return g_ascii_strcasecmp (ja_xml_node_get_attr (c, "protocol"), "udp") == 0;
}

/* The peer's session-initiate/accept as an SDP offer/answer. */
static char *
sdp_from_jingle (Peer *p, const JaXmlNode *jingle, gboolean offer)
{
  GString *s = g_string_new (NULL);
  const JaXmlNode *group = ja_xml_node_find (jingle, "group", NS_GROUP);
  guint i, k;

  g_string_append (s, "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n");
  if (group != NULL) {
    g_string_append_printf (s, "a=group:%s",
        ja_xml_node_get_attr (group, "semantics"));
    for (i = 0; i < ja_xml_node_get_n_children (group); i++)
      g_string_append_printf (s, " %s", ja_xml_node_get_attr (
          ja_xml_node_get_child (group, i), "name"));
    g_string_append (s, "\r\n");
  }
  g_string_append (s, "a=msid-semantic: WMS *\r\n");
  g_ptr_array_set_size (p->mids, 0);
  for (i = 0; i < ja_xml_node_get_n_children (jingle); i++) {
    const JaXmlNode *c = ja_xml_node_get_child (jingle, i);
    const JaXmlNode *d = ja_xml_node_find (c, "description", NS_RTP);
    const JaXmlNode *t = ja_xml_node_find (c, "transport", NS_ICE);
    const JaXmlNode *fp;
    const char *senders, *dir;
    if (!ja_xml_node_is (c, "content", NS_JINGLE) || d == NULL || t == NULL)
      continue;
    g_ptr_array_add (p->mids, g_strdup (ja_xml_node_get_attr (c, "name")));
    g_string_append_printf (s, "m=%s 9 UDP/TLS/RTP/SAVPF",
        ja_xml_node_get_attr (d, "media"));
    for (k = 0; k < ja_xml_node_get_n_children (d); k++) {
      const JaXmlNode *pt = ja_xml_node_get_child (d, k);
      if (ja_xml_node_is (pt, "payload-type", NS_RTP))
        g_string_append_printf (s, " %s", ja_xml_node_get_attr (pt, "id"));
    }
    g_string_append (s, "\r\nc=IN IP4 0.0.0.0\r\na=rtcp:9 IN IP4 0.0.0.0\r\n");
    g_string_append_printf (s, "a=mid:%s\r\n", ja_xml_node_get_attr (c, "name"));
    g_string_append_printf (s, "a=ice-ufrag:%s\r\na=ice-pwd:%s\r\n",
        ja_xml_node_get_attr (t, "ufrag"), ja_xml_node_get_attr (t, "pwd"));
    g_string_append (s, "a=ice-options:trickle\r\n");
    fp = ja_xml_node_find (t, "fingerprint", NS_DTLS);
    if (fp != NULL) {
      const char *setup = ja_xml_node_get_attr (fp, "setup");
      g_string_append_printf (s, "a=fingerprint:%s %s\r\na=setup:%s\r\n",
          ja_xml_node_get_attr (fp, "hash"), ja_xml_node_get_text (fp),
          setup != NULL ? setup : (offer ? "actpass" : "active"));
    }
    senders = ja_xml_node_get_attr (c, "senders");
    if (senders == NULL || strcmp (senders, "both") == 0)
      dir = "sendrecv";
    else if (strcmp (senders, "none") == 0)
      dir = "inactive";
    else   /* the SDP is the peer's: it sends when it is the sender */
      dir = (strcmp (senders, "initiator") == 0) == !p->initiator
          ? "sendonly" : "recvonly";
    g_string_append_printf (s, "a=%s\r\n", dir);
    if (ja_xml_node_find (d, "rtcp-mux", NS_RTP) != NULL)
      g_string_append (s, "a=rtcp-mux\r\n");
    for (k = 0; k < ja_xml_node_get_n_children (d); k++) {
      const JaXmlNode *e = ja_xml_node_get_child (d, k);
      if (ja_xml_node_is (e, "payload-type", NS_RTP)) {
        const char *id = ja_xml_node_get_attr (e, "id");
        const char *ch = ja_xml_node_get_attr (e, "channels");
        GString *fmtp = g_string_new (NULL);
        g_string_append_printf (s, "a=rtpmap:%s %s/%s%s%s\r\n", id,
            ja_xml_node_get_attr (e, "name"),
            ja_xml_node_get_attr (e, "clockrate"),
            ch != NULL && strcmp (ch, "1") != 0 ? "/" : "",
            ch != NULL && strcmp (ch, "1") != 0 ? ch : "");
        for (guint q = 0; q < ja_xml_node_get_n_children (e); q++) {
          const JaXmlNode *x = ja_xml_node_get_child (e, q);
          if (ja_xml_node_is (x, "parameter", NS_RTP)) {
            const char *v = ja_xml_node_get_attr (x, "value");
            g_string_append_printf (fmtp, "%s%s%s%s", fmtp->len ? ";" : "",
                ja_xml_node_get_attr (x, "name"), v != NULL ? "=" : "",
                v != NULL ? v : "");
          } else if (ja_xml_node_is (x, "rtcp-fb", NS_RTCP_FB)) {
            const char *sub = ja_xml_node_get_attr (x, "subtype");
            g_string_append_printf (s, "a=rtcp-fb:%s %s%s%s\r\n", id,
                ja_xml_node_get_attr (x, "type"), sub ? " " : "",
                sub ? sub : "");
          }
        }
        if (fmtp->len > 0)
          g_string_append_printf (s, "a=fmtp:%s %s\r\n", id, fmtp->str);
        g_string_free (fmtp, TRUE);
      } else if (ja_xml_node_is (e, "rtp-hdrext", NS_HDREXT)) {
        g_string_append_printf (s, "a=extmap:%s %s\r\n",
            ja_xml_node_get_attr (e, "id"), ja_xml_node_get_attr (e, "uri"));
      } else if (ja_xml_node_is (e, "source", NS_SSMA)) {
        for (guint q = 0; q < ja_xml_node_get_n_children (e); q++) {
          const JaXmlNode *x = ja_xml_node_get_child (e, q);
          const char *v = ja_xml_node_get_attr (x, "value");
          g_string_append_printf (s, "a=ssrc:%s %s%s%s\r\n",
              ja_xml_node_get_attr (e, "ssrc"),
              ja_xml_node_get_attr (x, "name"), v ? ":" : "", v ? v : "");
        }
      } else if (ja_xml_node_is (e, "ssrc-group", NS_SSMA)) {
        g_string_append_printf (s, "a=ssrc-group:%s",
            ja_xml_node_get_attr (e, "semantics"));
        for (guint q = 0; q < ja_xml_node_get_n_children (e); q++)
          g_string_append_printf (s, " %s", ja_xml_node_get_attr (
              ja_xml_node_get_child (e, q), "ssrc"));
        g_string_append (s, "\r\n");
      }
    }
    for (k = 0; k < ja_xml_node_get_n_children (t); k++) {
      const JaXmlNode *cand = ja_xml_node_get_child (t, k);
      if (ja_xml_node_is (cand, "candidate", NS_ICE) && valid_candidate (cand)) {
        g_string_append (s, "a=");
        candidate_to_sdp (s, cand);
        g_string_append (s, "\r\n");
      }
    }
  }
  return g_string_free (s, FALSE);
}

/* ---- media ----------------------------------------------------------------- */

static GstPadProbeReturn
count_audio (GstPad *pad, GstPadProbeInfo *info, gpointer data)
{
  Peer *p = data;
  (void) pad; (void) info;
  g_atomic_int_inc (&p->audio_buffers);
  return GST_PAD_PROBE_OK;
}

static GstPadProbeReturn
count_video (GstPad *pad, GstPadProbeInfo *info, gpointer data)
{
  Peer *p = data;
  (void) info;
  if (g_atomic_int_add (&p->video_frames, 1) == 0) {
    GstCaps *caps = gst_pad_get_current_caps (pad);
    if (caps != NULL) {
      GstStructure *st = gst_caps_get_structure (caps, 0);
      gst_structure_get_int (st, "width", &p->width);
      gst_structure_get_int (st, "height", &p->height);
      gst_caps_unref (caps);
    }
  }
  return GST_PAD_PROBE_OK;
}

static void
on_pad_added (GstElement *webrtc, GstPad *pad, gpointer data)
{
  Peer *p = data;
  GstCaps *caps;
  const char *media;
  GstElement *bin;
  GstPad *sink, *probe_pad;
  g_autofree char *desc = NULL;
  gboolean audio;
  (void) webrtc;

  if (GST_PAD_DIRECTION (pad) != GST_PAD_SRC)
    return;
  caps = gst_pad_get_current_caps (pad);
  if (caps == NULL)
    caps = gst_pad_query_caps (pad, NULL);
  media = gst_structure_get_string (gst_caps_get_structure (caps, 0), "media");
  audio = g_strcmp0 (media, "audio") == 0;
  printf ("# receiving %s\n", media ? media : "?");
  if (audio)
    desc = g_strdup_printf ("queue ! rtpopusdepay ! opusdec name=dec ! "
        "audioconvert ! audioresample ! audio/x-raw,format=S16LE,rate=48000,"
        "channels=1 ! wavenc ! filesink location=\"%s\"",
        p->record != NULL ? p->record : "/dev/null");
  else
    desc = g_strdup ("queue ! rtpvp8depay ! vp8dec name=dec ! fakesink "
        "sync=false");
  gst_caps_unref (caps);
  bin = gst_parse_bin_from_description (desc, TRUE, NULL);
  gst_bin_add (GST_BIN (p->pipe), bin);
  gst_element_sync_state_with_parent (bin);
  sink = gst_element_get_static_pad (bin, "sink");
  gst_pad_link (pad, sink);
  {
    GstElement *dec = gst_bin_get_by_name (GST_BIN (bin), "dec");
    probe_pad = gst_element_get_static_pad (dec, "src");
    gst_pad_add_probe (probe_pad, GST_PAD_PROBE_TYPE_BUFFER,
        audio ? count_audio : count_video, p, NULL);
    gst_object_unref (probe_pad);
    gst_object_unref (dec);
  }
  if (audio && p->audio_sink_pad == NULL)
    p->audio_sink_pad = gst_object_ref (sink);
  gst_object_unref (sink);
}

static void
add_source (Peer *p, const char *desc, const char *caps_text)
{
  GError *error = NULL;
  GstElement *bin = gst_parse_bin_from_description (desc, TRUE, &error);
  GstPad *src, *sink;
  GstWebRTCRTPTransceiver *tr = NULL;
  GstCaps *caps = gst_caps_from_string (caps_text);

  g_assert_no_error (error);
  gst_bin_add (GST_BIN (p->pipe), bin);
  src = gst_element_get_static_pad (bin, "src");
  sink = gst_element_request_pad_simple (p->webrtc, "sink_%u");
  g_object_get (sink, "transceiver", &tr, NULL);
  g_object_set (tr, "codec-preferences", caps,
      "direction", GST_WEBRTC_RTP_TRANSCEIVER_DIRECTION_SENDRECV, NULL);
  /* Video: NACK + RTX (RFC 4588), an rtx payload type and an FID group. */
  if (strstr (caps_text, "media=video") != NULL)
    g_object_set (tr, "do-nack", TRUE, NULL);
  g_assert_cmpint (gst_pad_link (src, sink), ==, GST_PAD_LINK_OK);
  gst_object_unref (tr);
  gst_object_unref (src);
  gst_object_unref (sink);
  gst_caps_unref (caps);
}

static gboolean
on_bus (GstBus *bus, GstMessage *msg, gpointer data)
{
  Peer *p = data;
  (void) bus;
  if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR) {
    g_autoptr (GError) error = NULL;
    g_autofree char *dbg = NULL;
    gst_message_parse_error (msg, &error, &dbg);
    printf ("# gstreamer error from %s: %s (%s)\n",
        GST_OBJECT_NAME (msg->src), error->message, dbg ? dbg : "");
    p->exit_code = 1;
    g_main_loop_quit (p->loop);
  }
  return G_SOURCE_CONTINUE;
}

static void
on_ice_state (GObject *o, GParamSpec *ps, gpointer data)
{
  GstWebRTCICEConnectionState st;
  (void) ps; (void) data;
  g_object_get (o, "ice-connection-state", &st, NULL);
  printf ("# ice-connection-state %d\n", (int) st);
}

static void
on_conn_state (GObject *o, GParamSpec *ps, gpointer data)
{
  GstWebRTCPeerConnectionState st;
  (void) ps; (void) data;
  g_object_get (o, "connection-state", &st, NULL);
  printf ("# connection-state %d\n", (int) st);
}

static void
make_pipeline (Peer *p)
{
  g_autofree char *audio = NULL;
  g_autofree char *acaps = NULL;
  GstBus *bus;

  p->pipe = gst_pipeline_new ("webrtc-peer");
  p->webrtc = gst_element_factory_make ("webrtcbin", "webrtc");
  if (p->webrtc == NULL) {
    printf ("# no webrtcbin element (gstreamer1.0-plugins-bad)\n");
    exit (1);
  }
  g_object_set (p->webrtc, "bundle-policy", GST_WEBRTC_BUNDLE_POLICY_MAX_BUNDLE,
      NULL);
  gst_bin_add (GST_BIN (p->pipe), p->webrtc);
  /* Host candidates on loopback only, like our agent in the tests. */
  {
    GstWebRTCICE *ice = NULL;
    g_object_get (p->webrtc, "ice-agent", &ice, NULL);
    if (ice != NULL) {
      gboolean ok = FALSE;
      g_signal_emit_by_name (ice, "add-local-ip-address", "127.0.0.1", &ok);
      gst_object_unref (ice);
    }
  }
  audio = g_strdup_printf ("audiotestsrc is-live=true wave=sine freq=%d "
      "volume=0.5 ! audioconvert ! audioresample ! opusenc ! "
      "rtpopuspay pt=%d", p->tone, p->opus_pt);
  /* encoding-params: without it webrtcbin offers "OPUS/48000" (no /2,
   * against RFC 7587) when it makes the offer before caps reached the
   * pad, and our agent declines that (opus only as 48000/2). */
  acaps = g_strdup_printf ("application/x-rtp,media=audio,encoding-name=OPUS,"
      "clock-rate=48000,encoding-params=(string)2,payload=%d", p->opus_pt);
  add_source (p, audio, acaps);
  if (p->video) {
    g_autofree char *video = g_strdup_printf ("videotestsrc is-live=true "
        "pattern=smpte ! video/x-raw,width=320,height=240,framerate=15/1 ! "
        "videoconvert ! vp8enc deadline=1 keyframe-max-dist=30 ! "
        "rtpvp8pay pt=%d", p->vp8_pt);
    g_autofree char *vcaps = g_strdup_printf ("application/x-rtp,media=video,"
        "encoding-name=VP8,clock-rate=90000,payload=%d", p->vp8_pt);
    add_source (p, video, vcaps);
  }
  g_signal_connect (p->webrtc, "on-ice-candidate", G_CALLBACK (on_ice_candidate), p);
  g_signal_connect (p->webrtc, "pad-added", G_CALLBACK (on_pad_added), p);
  g_signal_connect (p->webrtc, "notify::ice-connection-state",
      G_CALLBACK (on_ice_state), p);
  g_signal_connect (p->webrtc, "notify::connection-state",
      G_CALLBACK (on_conn_state), p);
  bus = gst_element_get_bus (p->pipe);
  gst_bus_add_watch (bus, on_bus, p);
  gst_object_unref (bus);
  gst_element_set_state (p->pipe, GST_STATE_PLAYING);
}

/* create-offer/answer, then set-local-description; the SDP (transfer full). */
static GstWebRTCSessionDescription *
make_local (Peer *p, gboolean offer)
{
  GstPromise *pr = gst_promise_new ();
  GstWebRTCSessionDescription *d = NULL;
  const GstStructure *reply;

  g_signal_emit_by_name (p->webrtc, offer ? "create-offer" : "create-answer",
      NULL, pr);
  g_assert_cmpint (gst_promise_wait (pr), ==, GST_PROMISE_RESULT_REPLIED);
  reply = gst_promise_get_reply (pr);
  gst_structure_get (reply, offer ? "offer" : "answer",
      GST_TYPE_WEBRTC_SESSION_DESCRIPTION, &d, NULL);
  gst_promise_unref (pr);
  if (d == NULL) {
    g_autofree char *r = gst_structure_to_string (reply);
    printf ("# create-%s failed: %s\n", offer ? "offer" : "answer", r);
    return NULL;
  }
  pr = gst_promise_new ();
  g_signal_emit_by_name (p->webrtc, "set-local-description", d, pr);
  gst_promise_wait (pr);
  gst_promise_unref (pr);
  {
    g_autofree char *text = gst_sdp_message_as_text (d->sdp);
    printf ("# local %s:\n", offer ? "offer" : "answer");
    g_auto (GStrv) lines = g_strsplit (text, "\r\n", -1);
    for (guint i = 0; lines[i] != NULL && *lines[i] != '\0'; i++)
      printf ("#   %s\n", lines[i]);
  }
  return d;
}

static gboolean
set_remote (Peer *p, const char *text, gboolean offer)
{
  GstSDPMessage *sdp = NULL;
  GstWebRTCSessionDescription *d;
  GstPromise *pr;
  const GstStructure *reply;
  gboolean ok = TRUE;

  printf ("# remote %s (from Jingle):\n", offer ? "offer" : "answer");
  {
    g_auto (GStrv) lines = g_strsplit (text, "\r\n", -1);
    for (guint i = 0; lines[i] != NULL && *lines[i] != '\0'; i++)
      printf ("#   %s\n", lines[i]);
  }
  if (gst_sdp_message_new_from_text (text, &sdp) != GST_SDP_OK) {
    printf ("# the SDP does not parse\n");
    return FALSE;
  }
  d = gst_webrtc_session_description_new (offer ? GST_WEBRTC_SDP_TYPE_OFFER
      : GST_WEBRTC_SDP_TYPE_ANSWER, sdp);
  pr = gst_promise_new ();
  g_signal_emit_by_name (p->webrtc, "set-remote-description", d, pr);
  gst_promise_wait (pr);
  reply = gst_promise_get_reply (pr);
  if (reply != NULL && gst_structure_has_field (reply, "error")) {
    g_autofree char *r = gst_structure_to_string (reply);
    printf ("# set-remote-description failed: %s\n", r);
    ok = FALSE;
  }
  gst_promise_unref (pr);
  gst_webrtc_session_description_free (d);
  p->remote_set = ok;
  return ok;
}

static void
add_remote_candidates (Peer *p, const JaXmlNode *jingle)
{
  for (guint i = 0; i < ja_xml_node_get_n_children (jingle); i++) {
    const JaXmlNode *c = ja_xml_node_get_child (jingle, i);
    const JaXmlNode *t = ja_xml_node_find (c, "transport", NS_ICE);
    guint mline;
    if (t == NULL)
      continue;
    for (mline = 0; mline < p->mids->len; mline++)
      if (g_strcmp0 (g_ptr_array_index (p->mids, mline),
          ja_xml_node_get_attr (c, "name")) == 0)
        break;
    if (mline == p->mids->len)
      mline = 0;
    for (guint k = 0; k < ja_xml_node_get_n_children (t); k++) {
      const JaXmlNode *cand = ja_xml_node_get_child (t, k);
      GString *s;
      if (!ja_xml_node_is (cand, "candidate", NS_ICE) || !valid_candidate (cand))
        continue;
      s = g_string_new (NULL);
      candidate_to_sdp (s, cand);
      printf ("# remote candidate %s\n", s->str);
      g_signal_emit_by_name (p->webrtc, "add-ice-candidate", mline, s->str);
      g_string_free (s, TRUE);
    }
  }
}

/* ---- Jingle actions ---------------------------------------------------------- */

static int
payload_id (const JaXmlNode *jingle, const char *media, const char *name,
    int fallback)
{
  for (guint i = 0; i < ja_xml_node_get_n_children (jingle); i++) {
    const JaXmlNode *d = ja_xml_node_find (ja_xml_node_get_child (jingle, i),
        "description", NS_RTP);
    if (d == NULL || g_strcmp0 (ja_xml_node_get_attr (d, "media"), media) != 0)
      continue;
    for (guint k = 0; k < ja_xml_node_get_n_children (d); k++) {
      const JaXmlNode *pt = ja_xml_node_get_child (d, k);
      if (ja_xml_node_is (pt, "payload-type", NS_RTP)
          && g_ascii_strcasecmp (ja_xml_node_get_attr (pt, "name"), name) == 0)
        return atoi (ja_xml_node_get_attr (pt, "id"));
    }
  }
  return fallback;
}

static gboolean
quit_loop (gpointer data)
{
  g_main_loop_quit (((Peer *) data)->loop);
  return G_SOURCE_REMOVE;
}

static gboolean
hang_up (gpointer data)
{
  Peer *p = data;
  JaXmlNode *jingle, *reason;
  JaXmlNode *iq = jingle_new (p, "session-terminate", &jingle);
  reason = ja_xml_node_add_new (jingle, "reason", NULL);
  ja_xml_node_add_new (reason, "success", NULL);
  printf ("# hanging up\n");
  send_iq (p, iq, "session-terminate");
  p->ended = TRUE;
  g_timeout_add (500, quit_loop, p);
  return G_SOURCE_REMOVE;
}

static gboolean
handle_jingle (gpointer data)
{
  gpointer *args = data;
  Peer *p = args[0];
  JaXmlNode *iq = args[1];
  const JaXmlNode *jingle = ja_xml_node_find (iq, "jingle", NS_JINGLE);
  const char *action = ja_xml_node_get_attr (jingle, "action");
  g_free (args);

  printf ("# got %s\n", action);
  if (g_strcmp0 (action, "session-initiate") == 0 && !p->initiator
      && p->sid == NULL) {
    GstWebRTCSessionDescription *d;
    g_autofree char *sdp = NULL;
    p->sid = g_strdup (ja_xml_node_get_attr (jingle, "sid"));
    p->peer = g_strdup (ja_xml_node_get_attr (iq, "from"));
    p->opus_pt = payload_id (jingle, "audio", "opus", 111);
    p->vp8_pt = payload_id (jingle, "video", "VP8", 96);
    p->video = p->video && p->vp8_pt >= 0
        && payload_id (jingle, "video", "VP8", -1) >= 0;
    make_pipeline (p);
    sdp = sdp_from_jingle (p, jingle, TRUE);
    if (!set_remote (p, sdp, TRUE)) {
      p->exit_code = 1;
      g_main_loop_quit (p->loop);
      goto out;
    }
    d = make_local (p, FALSE);
    if (d == NULL) {
      p->exit_code = 1;
      g_main_loop_quit (p->loop);
      goto out;
    }
    send_description (p, d->sdp);
    gst_webrtc_session_description_free (d);
    flush_out_cands (p);
    add_remote_candidates (p, jingle);
    for (guint i = 0; i < p->in_cands->len; i++)
      add_remote_candidates (p, g_ptr_array_index (p->in_cands, i));
  } else if (g_strcmp0 (action, "session-accept") == 0 && p->initiator) {
    g_autofree char *sdp = sdp_from_jingle (p, jingle, FALSE);
    /* the answer's contents carry the names of our m-lines */
    if (!set_remote (p, sdp, FALSE)) {
      p->exit_code = 1;
      g_main_loop_quit (p->loop);
      goto out;
    }
    add_remote_candidates (p, jingle);
    for (guint i = 0; i < p->in_cands->len; i++)
      add_remote_candidates (p, g_ptr_array_index (p->in_cands, i));
    g_timeout_add_seconds (p->duration, hang_up, p);
  } else if (g_strcmp0 (action, "transport-info") == 0) {
    if (p->remote_set)
      add_remote_candidates (p, jingle);
    else
      g_ptr_array_add (p->in_cands, ja_xml_node_copy (jingle));
  } else if (g_strcmp0 (action, "session-terminate") == 0) {
    p->ended = TRUE;
    g_main_loop_quit (p->loop);
  }
out:
  ja_xml_node_free (iq);
  return G_SOURCE_REMOVE;
}

static gboolean
on_jingle_iq (const JaXmlNode *iq, JaXmlNode **result, gboolean *deferred,
    gpointer data, GError **error)
{
  gpointer *args = g_new0 (gpointer, 2);
  (void) result; (void) deferred; (void) error;
  args[0] = data;
  args[1] = ja_xml_node_copy (iq);
  g_idle_add (handle_jingle, args);
  return TRUE;
}

static gboolean
on_timeout (gpointer data)
{
  Peer *p = data;
  printf ("# timed out\n");
  p->exit_code = 1;
  g_main_loop_quit (p->loop);
  return G_SOURCE_REMOVE;
}

int
main (int argc, char **argv)
{
  Peer peer = { 0 }, *p = &peer;
  g_autoptr (GError) error = NULL;
  gboolean answer = FALSE;
  GOptionEntry entries[] = {
    { "user", 0, 0, G_OPTION_ARG_STRING, &p->user, "account", "USER" },
    { "resource", 0, 0, G_OPTION_ARG_STRING, &p->resource, "resource", "RES" },
    { "call", 0, 0, G_OPTION_ARG_STRING, &p->call_to, "call this full JID", "JID" },
    { "answer", 0, 0, G_OPTION_ARG_NONE, &answer, "answer one call", NULL },
    { "tone", 0, 0, G_OPTION_ARG_INT, &p->tone, "sine to send (Hz)", "HZ" },
    { "video", 0, 0, G_OPTION_ARG_NONE, &p->video, "VP8 video too", NULL },
    { "record", 0, 0, G_OPTION_ARG_FILENAME, &p->record, "WAV of what we hear", "FILE" },
    { "duration", 0, 0, G_OPTION_ARG_INT, &p->duration, "call length (s)", "S" },
    { "timeout", 0, 0, G_OPTION_ARG_INT, &p->timeout, "give up after (s)", "S" },
    { NULL, 0, 0, 0, NULL, NULL, NULL }
  };
  g_autoptr (GOptionContext) ctx = g_option_context_new ("- Jingle peer on webrtcbin");
  JaXmppStreamConfig cfg = { 0 };

  p->tone = 880;
  p->duration = 5;
  p->timeout = 60;
  p->opus_pt = 111;
  p->vp8_pt = 96;
  g_option_context_add_main_entries (ctx, entries, NULL);
  g_option_context_add_group (ctx, gst_init_get_option_group ());
  if (!g_option_context_parse (ctx, &argc, &argv, &error)
      || p->user == NULL || (p->call_to == NULL) == !answer) {
    fprintf (stderr, "webrtc-peer: %s\n", error ? error->message
        : "--user and one of --call/--answer");
    return 2;
  }
  setvbuf (stdout, NULL, _IOLBF, 0);
  gst_init (NULL, NULL);
  p->loop = g_main_loop_new (NULL, FALSE);
  p->mids = g_ptr_array_new_with_free_func (g_free);
  p->out_cands = g_ptr_array_new_with_free_func (out_cand_free);
  p->in_cands = g_ptr_array_new_with_free_func ((GDestroyNotify) ja_xml_node_free);

  ja_test_stream_config (&cfg, p->user, FALSE, 0);
  g_free (cfg.resource);
  cfg.resource = g_strdup (p->resource ? p->resource : "webrtc");
  p->xmpp = ja_xmpp_stream_new (&cfg);
  ja_xmpp_stream_add_feature (p->xmpp, "urn:xmpp:jingle:1");
  ja_xmpp_stream_add_feature (p->xmpp, NS_RTP);
  ja_xmpp_stream_add_feature (p->xmpp, "urn:xmpp:jingle:apps:rtp:audio");
  ja_xmpp_stream_add_feature (p->xmpp, "urn:xmpp:jingle:apps:rtp:video");
  ja_xmpp_stream_add_feature (p->xmpp, NS_ICE);
  ja_xmpp_stream_add_feature (p->xmpp, NS_DTLS);
  ja_xmpp_stream_add_iq_handler (p->xmpp, "jingle", NS_JINGLE, on_jingle_iq, p);
  if (!ja_test_connect_stream (p->xmpp, &error)) {
    printf ("# connecting failed: %s\n", error->message);
    return 1;
  }
  p->self_jid = g_strdup (ja_xmpp_stream_get_bound_jid (p->xmpp));
  printf ("# ready as %s\n", p->self_jid);
  g_timeout_add_seconds (p->timeout, on_timeout, p);

  if (p->call_to != NULL) {
    GstWebRTCSessionDescription *d;
    p->initiator = TRUE;
    p->peer = g_strdup (p->call_to);
    p->sid = g_strdup_printf ("wrtc%08x", g_random_int ());
    make_pipeline (p);
    d = make_local (p, TRUE);
    if (d == NULL)
      return 1;
    send_description (p, d->sdp);
    gst_webrtc_session_description_free (d);
    flush_out_cands (p);
  }
  g_main_loop_run (p->loop);

  if (p->audio_sink_pad != NULL) {
    gst_pad_send_event (p->audio_sink_pad, gst_event_new_eos ());
    gst_object_unref (p->audio_sink_pad);
  }
  if (p->pipe != NULL) {
    gst_element_set_state (p->pipe, GST_STATE_NULL);
    gst_object_unref (p->pipe);
  }
  printf ("result audio-buffers=%d video-frames=%d width=%d height=%d\n",
      p->audio_buffers, p->video_frames, p->width, p->height);
  if (p->exit_code == 0 && (p->audio_buffers == 0
      || (p->video && p->video_frames == 0) || !p->ended))
    p->exit_code = 1;
  g_object_unref (p->xmpp);
  ja_xmpp_stream_config_clear (&cfg);
  g_ptr_array_unref (p->mids);
  g_ptr_array_unref (p->out_cands);
  g_ptr_array_unref (p->in_cands);
  g_main_loop_unref (p->loop);
  g_free (p->self_jid);
  g_free (p->peer);
  g_free (p->sid);
  g_free (p->user);
  g_free (p->resource);
  g_free (p->call_to);
  g_free (p->record);
  return p->exit_code;
}
