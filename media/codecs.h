/* codecs.h — the codecs the media engine can run, as RTP payload types
 * (RFC 3551 / XEP-0167 terms), in our order of preference. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  JA_MEDIA_AUDIO,
  JA_MEDIA_VIDEO,
} JaMediaKind;

typedef struct {
  JaMediaKind kind;
  const char *name;             /* encoding name as in SDP/XEP-0167: "opus", "PCMU", … */
  guint8 default_pt;            /* static or our preferred dynamic id */
  guint clock_rate;
  guint channels;               /* 0 for video */
  /* NULL-terminated name=value pairs we put in <parameter/> (nullable). */
  const char *const *params;
  /* NULL-terminated rtcp-fb "type[ subtype]" we offer (nullable). */
  const char *const *rtcp_fb;
} JaCodecInfo;

/* Every codec this build can send and receive (the GStreamer elements are
 * checked at first call), telephone-event included; (transfer none). */
const JaCodecInfo *const *ja_codecs_list (JaMediaKind kind, guint *n_out);
/* Case-insensitive name + clock rate (+ channels for audio, 0 = any). */
const JaCodecInfo *ja_codecs_find (JaMediaKind kind, const char *name,
    guint clock_rate, guint channels);

G_END_DECLS
