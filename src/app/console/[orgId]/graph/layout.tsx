import { permissionLayout } from '../../permission-layout';

export default permissionLayout('graph.read');
