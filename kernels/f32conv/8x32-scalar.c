/* f32conv 8x32, portable C (scalar twin of the AVX-512 kernel). */
#define F32CONV_MR 8
#define F32CONV_NR 32
#define F32CONV_NAME q8rt_f32conv_ukernel_8x32__scalar
#include "scalar-template.h"
