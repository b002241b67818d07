/* f32conv 6x16, portable C (scalar twin of the AVX2/FMA kernel). */
#define F32CONV_MR 6
#define F32CONV_NR 16
#define F32CONV_NAME q8rt_f32conv_ukernel_6x16__scalar
#include "scalar-template.h"
