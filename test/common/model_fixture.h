/* Test fixture: the real MobileNetV2 converted in memory (no file written). */
#pragma once

#include <stddef.h>

/* Converts the Caffe2 model found by test_model_dir() into a blob in memory (free() it).
 * Returns NULL (and prints why) when the model files are not available. */
void* fixture_mobilenet_blob(size_t* size);
