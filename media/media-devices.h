/* media-devices.h — the sound and video devices `device:NAME` can name:
 * PulseAudio sources and sinks (also PipeWire through pipewire-pulse: the
 * audio engine opens them with pulsesrc / pulsesink) and V4L2 cameras
 * (v4l2src), as GStreamer's device providers see them now. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  JA_MEDIA_DEVICE_AUDIO_SOURCE,  /* --audio device:NAME */
  JA_MEDIA_DEVICE_AUDIO_SINK,    /* --sink device:NAME */
  JA_MEDIA_DEVICE_VIDEO_SOURCE,  /* --video device:NAME */
} JaMediaDeviceKind;

typedef struct {
  JaMediaDeviceKind kind;
  char *name;          /* what device:NAME takes */
  char *description;   /* the human name the provider gives */
  gboolean is_default; /* what plain `device` opens (when it says) */
} JaMediaDevice;

/* "audio-source", "audio-sink", "video-source". */
const char *ja_media_device_kind_to_string (JaMediaDeviceKind kind);

/* The devices of the kinds in `kinds` (a bitmask of 1 << kind; 0: all),
 * sources before sinks, each kind in the provider's order. Probes the
 * sound server and /dev/video* (a few ms). Never NULL. */
GPtrArray *ja_media_devices_list (guint kinds);
void ja_media_device_free (JaMediaDevice *device);

/* TRUE when a device of `kind` called `name` is present now (a camera's
 * path may be a link to it; PulseAudio's @DEFAULT_…@ aliases always
 * pass); otherwise FALSE and a JA_MEDIA_ERROR_NO_DEVICE error that names
 * the ones there are (or says none was found). */
gboolean ja_media_device_check (JaMediaDeviceKind kind, const char *name,
                                GError **error);

G_END_DECLS
