/** Local Llama-architecture models on DJL + PyTorch, Hugging Face format I/O, sampling and trainers. */
package dev.deliberate.engine;
