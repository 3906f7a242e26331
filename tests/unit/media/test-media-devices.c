/* test-media-devices.c — media/media-devices.c without a sound server or
 * a camera (PULSE_SERVER points nowhere; the test machine has no
 * /dev/video*): nothing is listed, a named device is refused with
 * JA_MEDIA_ERROR_NO_DEVICE saying none was found and why, PulseAudio's
 * @DEFAULT_…@ aliases pass (they name whatever the default is then).
 * With a real PulseAudio: tests/integration/test-cli-call-devices.sh. */
#include <string.h>

#include <glib.h>

#include "media/media-devices.h"
#include "media/media-error.h"

static char *nowhere;

static void
test_nothing_there (void)
{
  g_autoptr (GPtrArray) all = ja_media_devices_list (
      1u << JA_MEDIA_DEVICE_AUDIO_SOURCE | 1u << JA_MEDIA_DEVICE_AUDIO_SINK);
  g_autoptr (GError) error = NULL;

  g_assert_cmpuint (all->len, ==, 0);
  g_assert_false (ja_media_device_check (JA_MEDIA_DEVICE_AUDIO_SINK,
      "kiosk_speaker", &error));
  g_assert_error (error, JA_MEDIA_ERROR, JA_MEDIA_ERROR_NO_DEVICE);
  g_assert_nonnull (strstr (error->message, "no audio-sink \"kiosk_speaker\""));
  g_assert_nonnull (strstr (error->message, "sound server"));
}

static void
test_no_camera (void)
{
  g_autoptr (GError) error = NULL;

  if (g_file_test ("/dev/video0", G_FILE_TEST_EXISTS)) {
    /* A machine with a camera: the refusal below needs one without. */
    g_assert_true (ja_media_device_check (JA_MEDIA_DEVICE_VIDEO_SOURCE,
        "/dev/video0", NULL));
    return;
  }
  g_assert_false (ja_media_device_check (JA_MEDIA_DEVICE_VIDEO_SOURCE,
      "/dev/video0", &error));
  g_assert_error (error, JA_MEDIA_ERROR, JA_MEDIA_ERROR_NO_DEVICE);
  g_assert_nonnull (strstr (error->message, "no video-source \"/dev/video0\""));
}

static void
test_default_aliases (void)
{
  g_assert_true (ja_media_device_check (JA_MEDIA_DEVICE_AUDIO_SINK,
      "@DEFAULT_SINK@", NULL));
  g_assert_true (ja_media_device_check (JA_MEDIA_DEVICE_AUDIO_SOURCE,
      "@DEFAULT_MONITOR@", NULL));
  /* Not an alias: checked like any name. */
  g_assert_false (ja_media_device_check (JA_MEDIA_DEVICE_AUDIO_SOURCE,
      "@DEFAULT_SOURCE", NULL));
  /* Nor for a camera, whatever is there. */
  g_assert_false (ja_media_device_check (JA_MEDIA_DEVICE_VIDEO_SOURCE,
      "@DEFAULT_SOURCE@", NULL));
}

static void
test_kind_names (void)
{
  g_assert_cmpstr (ja_media_device_kind_to_string (
      JA_MEDIA_DEVICE_AUDIO_SOURCE), ==, "audio-source");
  g_assert_cmpstr (ja_media_device_kind_to_string (
      JA_MEDIA_DEVICE_AUDIO_SINK), ==, "audio-sink");
  g_assert_cmpstr (ja_media_device_kind_to_string (
      JA_MEDIA_DEVICE_VIDEO_SOURCE), ==, "video-source");
}

int
main (int argc, char **argv)
{
  int ret;

  nowhere = g_build_filename (g_get_tmp_dir (), "ja-test-no-pulse", "native",
      NULL);
  g_setenv ("PULSE_SERVER", nowhere, TRUE);
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/media/devices/nothing-there", test_nothing_there);
  g_test_add_func ("/media/devices/no-camera", test_no_camera);
  g_test_add_func ("/media/devices/default-aliases", test_default_aliases);
  g_test_add_func ("/media/devices/kind-names", test_kind_names);
  ret = g_test_run ();
  g_free (nowhere);
  return ret;
}
