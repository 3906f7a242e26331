/* codecs.c — the codecs this build can run (see codecs.h). The table is
 * fixed; at first call each entry whose GStreamer elements are missing is
 * dropped. */

#include "media/codecs.h"

#include <gst/gst.h>

static const char *const opus_params[] = { "minptime=10", "useinbandfec=1",
  NULL };
static const char *const dtmf_params[] = { "events=0-15", NULL };
/* goog-remb: we honour a receiver's REMB as a cap on our rate
 * (media/bitrate-ctl.c); we send none. */
static const char *const video_fb[] = { "nack", "nack pli", "ccm fir",
  "goog-remb", NULL };
static const char *const rtx_params[] = { "apt=96", NULL };
/* RFC 6184 §8.1: constrained baseline (42e0) level 3.1 (1f), non-interleaved
 * mode (FU-A, STAP-A); we decode a higher level than the peer sends. */
static const char *const h264_params[] = { "profile-level-id=42e01f",
  "packetization-mode=1", "level-asymmetry-allowed=1", NULL };
static const char *const h264_rtx_params[] = { "apt=102", NULL };

static const char *const opus_elements[] = { "opusenc", "opusdec",
  "rtpopuspay", "rtpopusdepay", NULL };
static const char *const pcmu_elements[] = { "mulawenc", "mulawdec",
  "rtppcmupay", "rtppcmudepay", NULL };
static const char *const pcma_elements[] = { "alawenc", "alawdec",
  "rtppcmapay", "rtppcmadepay", NULL };
static const char *const dtmf_elements[] = { "rtpdtmfsrc", "rtpdtmfdepay",
  NULL };
static const char *const vp8_elements[] = { "vp8enc", "vp8dec", "rtpvp8pay",
  "rtpvp8depay", NULL };
static const char *const h264_elements[] = { "openh264enc", "openh264dec",
  "h264parse", "rtph264pay", "rtph264depay", NULL };
static const char *const rtx_elements[] = { "rtprtxsend", "rtprtxreceive",
  NULL };

/* In our order of preference. telephone-event comes after the codec it
 * rides on and is kept only when that codec is (needs names it). */
static const struct {
  JaCodecInfo info;
  const char *const *elements;
  const char *needs;            /* nullable: another entry's name */
} table[] = {
  { { JA_MEDIA_AUDIO, "opus", 111, 48000, 2, opus_params, NULL },
    opus_elements, NULL },
  { { JA_MEDIA_AUDIO, "PCMU", 0, 8000, 1, NULL, NULL }, pcmu_elements, NULL },
  { { JA_MEDIA_AUDIO, "PCMA", 8, 8000, 1, NULL, NULL }, pcma_elements, NULL },
  { { JA_MEDIA_AUDIO, "telephone-event", 101, 8000, 1, dtmf_params, NULL },
    dtmf_elements, "PCM" },
  { { JA_MEDIA_AUDIO, "telephone-event", 126, 48000, 1, dtmf_params, NULL },
    dtmf_elements, "opus" },
  { { JA_MEDIA_VIDEO, "VP8", 96, 90000, 0, NULL, video_fb }, vp8_elements,
    NULL },
  /* RFC 4588 retransmissions of VP8 (apt = its payload type). */
  { { JA_MEDIA_VIDEO, "rtx", 97, 90000, 0, rtx_params, NULL }, rtx_elements,
    "VP8" },
  { { JA_MEDIA_VIDEO, "H264", 102, 90000, 0, h264_params, video_fb },
    h264_elements, NULL },
  { { JA_MEDIA_VIDEO, "rtx", 103, 90000, 0, h264_rtx_params, NULL },
    rtx_elements, "H264" },
};

static const JaCodecInfo *available[2][G_N_ELEMENTS (table) + 1];
static guint n_available[2];

static gboolean
elements_exist (const char *const *names)
{
  for (guint i = 0; names[i] != NULL; i++) {
    GstElementFactory *f = gst_element_factory_find (names[i]);

    if (f == NULL) {
      g_debug ("codecs: no GStreamer element %s", names[i]);
      return FALSE;
    }
    gst_object_unref (f);
  }
  return TRUE;
}

/* Whether an entry already kept has a name starting with prefix. */
static gboolean
kept (JaMediaKind kind, const char *prefix)
{
  for (guint i = 0; i < n_available[kind]; i++) {
    if (g_str_has_prefix (available[kind][i]->name, prefix))
      return TRUE;
  }
  return FALSE;
}

static void
probe (void)
{
  if (!gst_is_initialized () && !gst_init_check (NULL, NULL, NULL))
    g_debug ("codecs: GStreamer does not initialise; no codecs");
  for (guint i = 0; i < G_N_ELEMENTS (table); i++) {
    JaMediaKind kind = table[i].info.kind;

    if (!gst_is_initialized () || !elements_exist (table[i].elements))
      continue;
    if (table[i].needs != NULL && !kept (kind, table[i].needs))
      continue;
    available[kind][n_available[kind]++] = &table[i].info;
  }
}

const JaCodecInfo *const *
ja_codecs_list (JaMediaKind kind, guint *n_out)
{
  static gsize once;

  g_return_val_if_fail (kind == JA_MEDIA_AUDIO || kind == JA_MEDIA_VIDEO,
      NULL);

  if (g_once_init_enter (&once)) {
    probe ();
    g_once_init_leave (&once, 1);
  }
  if (n_out != NULL)
    *n_out = n_available[kind];
  return available[kind];
}

const JaCodecInfo *
ja_codecs_find (JaMediaKind kind, const char *name, guint clock_rate,
    guint channels)
{
  const JaCodecInfo *const *list;
  guint n;

  if (name == NULL)
    return NULL;
  list = ja_codecs_list (kind, &n);
  for (guint i = 0; list != NULL && i < n; i++) {
    const JaCodecInfo *c = list[i];

    if (g_ascii_strcasecmp (c->name, name) != 0 || c->clock_rate != clock_rate)
      continue;
    if (kind == JA_MEDIA_AUDIO && channels != 0 && c->channels != channels)
      continue;
    return c;
  }
  return NULL;
}
