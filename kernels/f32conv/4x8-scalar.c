/* f32conv 4x8, portable C. */
#define F32CONV_MR 4
#define F32CONV_NR 8
#define F32CONV_NAME q8rt_f32conv_ukernel_4x8__scalar
#include "scalar-template.h"
