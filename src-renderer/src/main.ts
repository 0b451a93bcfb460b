import { createPinia } from 'pinia'
import { createApp } from 'vue'
import App from './App.vue'
import { announceBridgeReconnect, installBridge } from './api/bridge'
import { selectBridge } from './api/select-bridge'
import './styles.css'

/** Renderer entry: pick the transport (Electron bridge or browser-mode WebSocket), then mount. */
const { bridge, webSocket } = selectBridge(window)
installBridge(bridge)
webSocket?.onReconnect(announceBridgeReconnect)
createApp(App, { connection: webSocket }).use(createPinia()).mount('#app')
